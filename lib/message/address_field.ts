/**
 * The value of an address field postie writes (From, To, Cc): mailboxes with display names
 * that are not ASCII as RFC 2047 encoded-words.
 *
 * @module
 */

import { formatMailbox, type Mailbox } from "../address/mod.ts";
import { encodeWords, isPlainAscii } from "./encoded_word_encoder.ts";

/**
 * Mailboxes separated by ", " (where `foldField` may fold). A display name that is
 * not ASCII becomes encoded-words (RFC 2047 §5 (3)); addresses stay as they are (raw UTF-8
 * ones need SMTPUTF8, RFC 6532).
 *
 * @example
 * ```ts
 * addressFieldValue([{ name: "Zoë", address: "z@x.test", localPart: "z", domain: "x.test" }]);
 * // "=?utf-8?Q?Zo=C3=AB?= <z@x.test>"
 * ```
 */
export function addressFieldValue(mailboxes: readonly Mailbox[]): string {
  return mailboxes.map((mailbox) => {
    if (mailbox.name === undefined || isPlainAscii(mailbox.name)) return formatMailbox(mailbox);
    return `${encodeWords(mailbox.name)} <${formatMailbox({ ...mailbox, name: undefined })}>`;
  }).join(", ");
}
