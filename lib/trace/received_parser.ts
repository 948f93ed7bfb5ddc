/**
 * Parsing a Received header field (RFC 5321 §4.4) in its standard form and the forms real
 * MTAs write: Postfix, Exim, Sendmail, qmail, Exchange/Office 365, Gmail, Amazon SES, Haraka.
 *
 * @module
 */

import { parseDate } from "../message/date_parser.ts";
import { isIpAddress } from "./ip_range.ts";
import { isKeyword } from "./keyword.ts";
import type { Received, ReceivedFrom } from "./received.ts";
import { type ReceivedToken, splitReceived } from "./received_tokens.ts";
import { readTls } from "./tls_info.ts";

/** The clause keywords of RFC 5321 §4.4: From-domain, By-domain and Opt-info, in this order. */
const CLAUSES = ["from", "by", "via", "with", "id", "for"] as const;
const FROM = 0;
const BY = 1;
const VIA = 2;
const WITH = 3;
const ID = 4;
const FOR = 5;

/**
 * Where each clause's tokens are, keyword left out: clause `k` is `tokens[bounds[2k],
 * bounds[2k + 1])`, -1 when the field has none. Ranges, not arrays: a field has few clauses
 * and a trace reads tens of thousands of fields.
 */
type ClauseBounds = number[];

// RFC 3848 and RFC 6531 §3.7.3: the registered WITH protocol types, written in upper case.
const PROTOCOLS = /^(?:(?:E?SMTP|UTF8SMTP|UTF8LMTP|LMTP)S?A?|HTTPS?|LOCAL|MAPI)$/i;
// qmail's "(HELO name)", Exim's "(helo=name)"; the cheap test first, most comments have none.
const HELO_MENTION = /helo/i;
const HELO = /(?:^|\s)HELO[\s=]+([^\s)]+)/i;
// RFC 5321 §4.1.3 address literals, in a comment ("name [ip]") or as the HELO word ("[ip]:port").
const LITERAL_IN_COMMENT = /\[(?:IPv6:)?([0-9a-f.:]+)\]/i;
const ADDRESS_LITERAL = /^\[(?:IPv6:)?([0-9a-f.:]+)\](?::\d+)?$/i;
const BARE_ADDRESS = /^(?:[^@\s]+@)?([0-9a-f.:]+)$/i;
// White space in the text before an address literal: prose, not a reverse-DNS name.
const WHITE_SPACE = /\s/;

/**
 * Parses one Received field value (unfolded, without the field name). Never throws: what does
 * not parse is left out of the result and named in `warnings`, and `raw` keeps the whole value.
 *
 * @example
 * ```ts
 * const received = parseReceived(
 *   "from a.example (a.example [203.0.113.9]) by mx.example (Postfix) with ESMTPS id 4AB; " +
 *     "Tue, 24 Nov 2026 04:47:22 +0000",
 * );
 * received.from.ip; // "203.0.113.9"
 * received.with;    // "ESMTPS"
 * ```
 */
export function parseReceived(value: string): Received {
  const lexemes = splitReceived(value);
  const { tokens, warnings } = lexemes;
  const bounds = groupClauses(tokens, warnings);
  const received: Received = { from: {}, raw: value, warnings };
  // Only defined keys are set: objects keep one shape, and JSON shows no empty keys.
  if (bounds[2 * FROM] >= 0) received.from = readFrom(tokens, bounds, warnings);
  const by = firstWord(BY, tokens, bounds, warnings);
  if (by !== undefined) received.by = by;
  const via = wordsText(tokens, bounds[2 * VIA], bounds[2 * VIA + 1]);
  if (via) received.via = via;
  const protocol = readWith(tokens, bounds);
  if (protocol !== undefined) received.with = protocol;
  const id = firstWord(ID, tokens, bounds, warnings);
  if (id !== undefined) received.id = id;
  const recipient = unbracket(wordsText(tokens, bounds[2 * FOR], bounds[2 * FOR + 1]));
  if (recipient) received.for = recipient;
  const tls = readTls(tokens, protocol);
  if (tls !== undefined) received.tls = tls;
  if (lexemes.dateText !== undefined) {
    const time = parseDate(lexemes.dateText);
    if (time !== undefined) received.time = time;
    else warnings.push(`date-time not understood: ${lexemes.dateText.trim()}`);
  }
  // qmail's "(qmail 1234 invoked from network)" is a comment alone: a local hop, no warning.
  const commentOnly = tokens[0]?.kind === "comment";
  if (bounds[2 * FROM] < 0 && bounds[2 * BY] < 0 && !commentOnly) {
    warnings.push("neither a from nor a by clause");
  }
  return received;
}

/** The clause keyword `text` is (its index in {@link CLAUSES}), or -1. */
function clauseIndex(text: string): number {
  // Every keyword is 2 to 4 letters: most words are rejected by their length.
  if (text.length < 2 || text.length > 4) return -1;
  for (let k = 0; k < CLAUSES.length; k++) if (isKeyword(text, CLAUSES[k])) return k;
  return -1;
}

/** Groups tokens under the clause keyword before them; leading comments belong to no clause. */
function groupClauses(tokens: ReceivedToken[], warnings: string[]): ClauseBounds {
  const bounds: ClauseBounds = [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
  let open = -1; // the clause whose tokens follow, when it counts
  let inClause = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const keyword = token.kind === "word" ? clauseIndex(token.text) : -1;
    if (keyword >= 0) {
      if (open >= 0) bounds[2 * open + 1] = i;
      inClause = true;
      open = bounds[2 * keyword] >= 0 ? -1 : keyword;
      if (open < 0) warnings.push(`second ${CLAUSES[keyword]} clause ignored`);
      else bounds[2 * keyword] = i + 1;
    } else if (!inClause && token.kind === "word") {
      warnings.push(`word before any clause ignored: ${token.text}`);
    }
  }
  if (open >= 0) bounds[2 * open + 1] = tokens.length;
  return bounds;
}

/** The words of `tokens[start, end)` joined by spaces ("" for none). */
function wordsText(tokens: ReceivedToken[], start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) {
    if (tokens[i].kind === "word") {
      text = text === "" ? tokens[i].text : `${text} ${tokens[i].text}`;
    }
  }
  return text;
}

/**
 * The first word of a clause. Words after it are the extensions MTAs write: Exim and Haraka
 * `tls CIPHER`, Haraka `envelope-from <address>`. Anything else is a warning.
 */
function firstWord(
  clause: number,
  tokens: ReceivedToken[],
  bounds: ClauseBounds,
  warnings: string[],
): string | undefined {
  const start = bounds[2 * clause];
  if (start < 0) return undefined;
  let first: string | undefined;
  let skip = false;
  const unexpected: string[] = [];
  for (let i = start; i < bounds[2 * clause + 1]; i++) {
    const { kind, text } = tokens[i];
    if (kind !== "word") continue;
    if (first === undefined) first = text;
    else if (skip) skip = false;
    else if (isKeyword(text, "tls") || isKeyword(text, "envelope-from")) skip = true;
    else unexpected.push(text);
  }
  const name = CLAUSES[clause];
  if (unexpected.length > 0) {
    warnings.push(`unexpected words after ${name} ${first}: ${unexpected.join(" ")}`);
  }
  if (first === undefined) warnings.push(`empty ${name} clause`);
  return first;
}

/** The protocol; Microsoft writes several words ("Microsoft SMTP Server"), Exim adds `tls X`. */
function readWith(tokens: ReceivedToken[], bounds: ClauseBounds): string | undefined {
  const start = bounds[2 * WITH];
  if (start < 0) return undefined;
  let text = "";
  let afterTls = false;
  for (let i = start; i < bounds[2 * WITH + 1]; i++) {
    const token = tokens[i];
    if (token.kind !== "word") continue;
    const isTls = isKeyword(token.text, "tls");
    if (!isTls && !afterTls) text = text === "" ? token.text : `${text} ${token.text}`;
    afterTls = isTls;
  }
  return PROTOCOLS.test(text) ? text.toUpperCase() : text || undefined;
}

/**
 * RFC 5321 §4.4: From-domain = "FROM" FWS Extended-Domain, where Extended-Domain is the HELO
 * name, optionally followed by "(" TCP-info ")" with the reverse-DNS name and address literal.
 * qmail writes "(HELO name)", Exim "(helo=name)": then the leading word is the reverse name.
 */
function readFrom(
  tokens: ReceivedToken[],
  bounds: ClauseBounds,
  warnings: string[],
): ReceivedFrom {
  const from: ReceivedFrom = {};
  let first: string | undefined;
  let rest = "";
  let heloInComment: string | undefined;
  for (let i = bounds[2 * FROM]; i < bounds[2 * FROM + 1]; i++) {
    const { kind, text } = tokens[i];
    if (kind === "word") {
      if (first === undefined) first = text;
      else rest = rest === "" ? text : `${rest} ${text}`;
      continue;
    }
    const helo = HELO_MENTION.test(text) ? HELO.exec(text) : null;
    if (helo) heloInComment = helo[1];
    readTcpInfo(text, from);
  }
  if (rest !== "") warnings.push(`unexpected words in from clause: ${rest}`);
  const literal = first === undefined ? undefined : addressLiteral(first);
  if (literal !== undefined) from.ip ??= literal;
  if (heloInComment !== undefined) {
    from.helo = heloInComment;
    if (literal === undefined && first !== undefined && !isUnknown(first)) {
      from.reverseName ??= first;
    }
  } else if (first !== undefined) from.helo = first;
  return from;
}

/** TCP-info: "name [ip]", "[ip]", "ip", "user@ip", "IDENT:user@name [ip]", "[ip]:port". */
function readTcpInfo(comment: string, from: ReceivedFrom) {
  const literal = comment.includes("[") ? LITERAL_IN_COMMENT.exec(comment) : null;
  if (literal && isIpAddress(literal[1])) {
    from.ip ??= literal[1];
    let name = comment.slice(0, literal.index).trim();
    if (name.includes("@")) name = name.replace(/^(?:IDENT:)?\S*@/i, "");
    if (name.endsWith(".")) name = name.slice(0, -1);
    if (name && !isUnknown(name) && !WHITE_SPACE.test(name) && !isIpAddress(name)) {
      from.reverseName ??= name;
    }
    return;
  }
  const bare = BARE_ADDRESS.exec(comment);
  if (bare && isIpAddress(bare[1])) from.ip ??= bare[1];
}

function addressLiteral(word: string): string | undefined {
  const match = word.startsWith("[") ? ADDRESS_LITERAL.exec(word) : null;
  return match && isIpAddress(match[1]) ? match[1] : undefined;
}

function isUnknown(name: string): boolean {
  return isKeyword(name, "unknown");
}

/** An address without its angle brackets: `<a@b>` → `a@b`. */
function unbracket(text: string): string {
  const start = text.startsWith("<") ? 1 : 0;
  return text.slice(start, text.endsWith(">") ? -1 : text.length);
}
