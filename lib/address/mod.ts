/**
 * Mail addresses: RFC 5321 paths (MAIL FROM, RCPT TO) with SMTPUTF8 and IDN, and
 * RFC 5322 mailboxes and groups (From, To, Cc, Reply-To).
 *
 * @example
 * ```ts
 * import { parsePath } from "./mod.ts";
 * parsePath("<john@example.com>").text; // "john@example.com"
 * ```
 *
 * @module
 */

export { AddressSyntaxError } from "./errors.ts";
export type { AddressLiteral } from "./address_literal.ts";
export {
  canonicalLocalPart,
  formatPath,
  type Mailbox5321,
  parsePath,
  type ParsePathOptions,
  type Path,
} from "./path.ts";
export {
  type AddressListEntry,
  formatAddressList,
  formatMailbox,
  type Group,
  type Mailbox,
  parseAddressList,
  parseMailbox,
} from "./mailbox_list.ts";
