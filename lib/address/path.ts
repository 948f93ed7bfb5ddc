/**
 * RFC 5321 §4.1.2 paths: the `<local@domain>` arguments of MAIL FROM and RCPT TO,
 * with SMTPUTF8 (RFC 6531 §3.3) and IDN domains.
 *
 * @module
 */

import { type AddressLiteral, scanAddressLiteral } from "./address_literal.ts";
import {
  AT,
  BACKSLASH,
  COLON,
  COMMA,
  DOT,
  DQUOTE,
  GT,
  isAsciiAtext,
  isDotAtomText,
  isNonAscii,
  isVchar,
  LBRACKET,
  LT,
  SP,
} from "./chars.ts";
import { scanDomain } from "./domain.ts";
import { AddressSyntaxError } from "./errors.ts";
import { checkOctetLimit, MAX_LOCAL_PART_OCTETS, MAX_PATH_OCTETS } from "./limits.ts";
import { quoteString } from "./quoting.ts";

/** An RFC 5321 `Mailbox`: the `local-part@domain` of a path. */
export interface Mailbox5321 {
  /** The local part, unquoted: `john doe` for `"john doe"`. */
  localPart: string;
  /** The domain as written: ASCII labels, U-labels, or the address literal with brackets. */
  domain: string;
  /** A-label form for DNS (lower case); the literal itself, brackets included, for literals. */
  asciiDomain: string;
  /** U-label form for display (lower case); the literal itself for literals. */
  unicodeDomain: string;
  /** Set when the domain is an address literal. */
  addressLiteral?: AddressLiteral;
  /** True for a non-ASCII local part or U-label domain (RFC 6531 §3.3). */
  needsSmtputf8: boolean;
}

/** A reverse-path or forward-path. */
export interface Path {
  /** The mailbox; null for the null reverse-path `<>`. */
  mailbox: Mailbox5321 | null;
  /** Canonical text without brackets: `local@domain`, local part quoted only if needed. */
  text: string;
}

/** Options of {@linkcode parsePath}. */
export interface ParsePathOptions {
  /** The session negotiated SMTPUTF8 (RFC 6531): UTF-8 local parts and U-labels. Default false. */
  smtputf8?: boolean;
  /** Accept the null path `<>` (a reverse-path, RFC 5321 §4.1.1.2). Default true. */
  allowNull?: boolean;
  /** Accept `<Postmaster>` without a domain (RCPT TO, RFC 5321 §4.1.1.3). Default false. */
  allowPostmaster?: boolean;
}

/**
 * Parses an RFC 5321 path, given with or without its angle brackets. A source route
 * (`@a,@b:user@c`) is accepted and dropped. Throws {@linkcode AddressSyntaxError}.
 *
 * @example
 * ```ts
 * import { parsePath } from "./path.ts";
 * const path = parsePath('<"john doe"@Example.COM>');
 * path.text; // '"john doe"@Example.COM'
 * path.mailbox?.asciiDomain; // "example.com"
 * parsePath("<用户@例え.テスト>", { smtputf8: true }).mailbox?.asciiDomain;
 * // "xn--r8jz45g.xn--zckzah"
 * ```
 */
export function parsePath(text: string, options: ParsePathOptions = {}): Path {
  const bracketed = text.charCodeAt(0) === LT;
  const start = bracketed ? 1 : 0;
  const end = bracketed ? text.length - 1 : text.length;
  if (bracketed && text.charCodeAt(end) !== GT) {
    const gt = text.indexOf(">");
    throw AddressSyntaxError.unexpected(text, gt > 0 ? gt + 1 : text.length);
  }
  if (start >= end) {
    // RFC 5321 §4.1.1.2: Reverse-path = Path / "<>"
    if (options.allowNull ?? true) return { mailbox: null, text: "" };
    throw new AddressSyntaxError(text, start, "null path not allowed");
  }
  const mailboxStart = skipSourceRoute(text, start, end, options.smtputf8 ?? false);
  const mailbox = parseMailbox5321(text, mailboxStart, end, options);
  // RFC 5321 §4.5.3.1.3: 256 octets for the path, brackets included
  checkOctetLimit(text, start, end, MAX_PATH_OCTETS, "path", 2);
  const local = canonicalLocalPart(mailbox.localPart);
  return { mailbox, text: mailbox.domain === "" ? local : `${local}@${mailbox.domain}` };
}

/**
 * The path back in its angle brackets, as MAIL FROM and RCPT TO carry it.
 *
 * @example
 * ```ts
 * import { formatPath, parsePath } from "./path.ts";
 * formatPath(parsePath('"ab"@example.com')); // "<ab@example.com>"
 * ```
 */
export function formatPath(path: Path): string {
  return `<${path.text}>`;
}

/**
 * The local part as written in a path: a Dot-string when it is one, else a
 * Quoted-string (RFC 5321 §4.1.2: a local part SHOULD use the Dot-string form).
 *
 * @example
 * ```ts
 * import { canonicalLocalPart } from "./path.ts";
 * canonicalLocalPart("john.doe"); // "john.doe"
 * canonicalLocalPart("john doe"); // '"john doe"'
 * ```
 */
export function canonicalLocalPart(local: string): string {
  return isDotAtomText(local) ? local : quoteString(local);
}

/**
 * Skips `A-d-l ":"` (RFC 5321 §4.1.2; At-domain = "@" Domain) at `input[start]` and
 * returns where the mailbox starts. RFC 5321 §C: the route is accepted and ignored.
 */
function skipSourceRoute(input: string, start: number, end: number, smtputf8: boolean): number {
  if (input.charCodeAt(start) !== AT) return start;
  let i = start;
  for (;;) {
    if (input.charCodeAt(i) !== AT) throw AddressSyntaxError.unexpected(input, i);
    i = scanDomain(input, i + 1, smtputf8).end;
    if (i >= end) throw AddressSyntaxError.unexpected(input, i);
    const c = input.charCodeAt(i++);
    if (c === COLON) return i;
    if (c !== COMMA) throw AddressSyntaxError.unexpected(input, i - 1);
  }
}

/** Parses `Mailbox = Local-part "@" ( Domain / address-literal )` filling `input[start, end)`. */
function parseMailbox5321(
  input: string,
  start: number,
  end: number,
  options: ParsePathOptions,
): Mailbox5321 {
  const smtputf8 = options.smtputf8 ?? false;
  const local = scanLocalPart(input, start, end, smtputf8);
  const localPart = local.value;
  const needsLocal = local.nonAscii;
  // RFC 5321 §4.1.1.3: RCPT TO:<Postmaster> needs no domain
  if (local.end === end && options.allowPostmaster && local.value.toLowerCase() === "postmaster") {
    return { localPart, domain: "", asciiDomain: "", unicodeDomain: "", needsSmtputf8: false };
  }
  if (local.end >= end || input.charCodeAt(local.end) !== AT) {
    throw AddressSyntaxError.unexpected(input, local.end);
  }
  const domainStart = local.end + 1;
  if (input.charCodeAt(domainStart) === LBRACKET) {
    const { literal, end: literalEnd } = scanAddressLiteral(input, domainStart, end);
    if (literalEnd !== end) throw AddressSyntaxError.unexpected(input, literalEnd);
    const domain = input.slice(domainStart, end);
    return {
      localPart,
      domain,
      asciiDomain: domain,
      unicodeDomain: domain,
      addressLiteral: literal,
      needsSmtputf8: needsLocal,
    };
  }
  const domain = scanDomain(input, domainStart, smtputf8);
  if (domain.end !== end) throw AddressSyntaxError.unexpected(input, domain.end);
  return {
    localPart,
    domain: input.slice(domainStart, end),
    asciiDomain: domain.ascii,
    unicodeDomain: domain.unicode,
    needsSmtputf8: needsLocal || domain.nonAscii,
  };
}

/** A local part scanned from a path. */
interface ScannedLocalPart {
  value: string;
  end: number;
  nonAscii: boolean;
}

/** Scans `Local-part = Dot-string / Quoted-string` (RFC 5321 §4.1.2) at `input[start]`. */
function scanLocalPart(
  input: string,
  start: number,
  end: number,
  smtputf8: boolean,
): ScannedLocalPart {
  const local = input.charCodeAt(start) === DQUOTE
    ? scanQuotedString(input, start, end, smtputf8)
    : scanDotString(input, start, end, smtputf8);
  // RFC 5321 §4.5.3.1.1: the local part is at most 64 octets
  checkOctetLimit(input, start, local.end, MAX_LOCAL_PART_OCTETS, "local part");
  return local;
}

/** RFC 5321 §4.1.2: Dot-string = Atom *("." Atom); RFC 6531 §3.3 adds UTF-8 to atext. */
function scanDotString(
  input: string,
  start: number,
  end: number,
  smtputf8: boolean,
): ScannedLocalPart {
  let i = start;
  let nonAscii = false;
  for (;;) {
    const atom = i;
    for (; i < end; i++) {
      const c = input.charCodeAt(i);
      if (isAsciiAtext(c)) continue;
      if (!isNonAscii(c)) break;
      if (!smtputf8) throw AddressSyntaxError.needsSmtputf8(input, i);
      nonAscii = true;
    }
    if (i === atom) throw AddressSyntaxError.unexpected(input, i);
    if (i >= end || input.charCodeAt(i) !== DOT) break;
    i++;
  }
  return { value: input.slice(start, i), end: i, nonAscii };
}

/**
 * RFC 5321 §4.1.2: Quoted-string = DQUOTE *QcontentSMTP DQUOTE, with qtextSMTP =
 * %d32-33 / %d35-91 / %d93-126 (plus UTF-8, RFC 6531 §3.3) and quoted-pairSMTP = "\" %d32-126.
 */
function scanQuotedString(
  input: string,
  start: number,
  end: number,
  smtputf8: boolean,
): ScannedLocalPart {
  let value = "";
  let nonAscii = false;
  let run = start + 1;
  for (let i = run; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c === DQUOTE) return { value: value + input.slice(run, i), end: i + 1, nonAscii };
    if (c === BACKSLASH) {
      const next = input.charCodeAt(i + 1);
      if (i + 1 >= end || !(isVchar(next) || next === SP)) {
        throw AddressSyntaxError.unexpected(input, i + 1);
      }
      value += input.slice(run, i);
      run = ++i;
    } else if (isNonAscii(c)) {
      if (!smtputf8) throw AddressSyntaxError.needsSmtputf8(input, i);
      nonAscii = true;
    } else if (!(isVchar(c) || c === SP)) throw AddressSyntaxError.unexpected(input, i);
  }
  throw new AddressSyntaxError(input, start, "unterminated quoted string");
}
