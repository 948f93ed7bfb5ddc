/**
 * Parsing a Received header field (RFC 5321 §4.4) in its standard form and the forms real
 * MTAs write: Postfix, Exim, Sendmail, qmail, Exchange/Office 365, Gmail, Amazon SES, Haraka.
 *
 * @module
 */

import { parseDate } from "../message/date_parser.ts";
import { isIpAddress } from "./ip_range.ts";
import type { Received, ReceivedFrom } from "./received.ts";
import { type ReceivedToken, splitReceived } from "./received_tokens.ts";
import { readTls } from "./tls_info.ts";

/** The clause keywords of RFC 5321 §4.4: From-domain, By-domain and Opt-info. */
const CLAUSES = ["from", "by", "via", "with", "id", "for"] as const;
type ClauseName = typeof CLAUSES[number];

interface Clause {
  words: string[];
  comments: string[];
}

// RFC 3848 and RFC 6531 §3.7.3: the registered WITH protocol types, written in upper case.
const PROTOCOLS = /^(?:(?:E?SMTP|UTF8SMTP|UTF8LMTP|LMTP)S?A?|HTTPS?|LOCAL|MAPI)$/i;
// qmail's "(HELO name)", Exim's "(helo=name)"; the cheap test first, most comments have none.
const HELO_MENTION = /helo/i;
const HELO = /(?:^|\s)HELO[\s=]+([^\s)]+)/i;
// RFC 5321 §4.1.3 address literals, in a comment ("name [ip]") or as the HELO word ("[ip]:port").
const LITERAL_IN_COMMENT = /\[(?:IPv6:)?([0-9a-f.:]+)\]/i;
const ADDRESS_LITERAL = /^\[(?:IPv6:)?([0-9a-f.:]+)\](?::\d+)?$/i;
const BARE_ADDRESS = /^(?:[^@\s]+@)?([0-9a-f.:]+)$/i;

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
  const warnings = lexemes.warnings;
  const clauses = groupClauses(lexemes.tokens, warnings);
  const received: Received = { from: {}, raw: value, warnings };
  // Only defined keys are set: objects keep one shape, and JSON shows no empty keys.
  if (clauses.from) received.from = readFrom(clauses.from, warnings);
  const by = firstWord("by", clauses.by, warnings);
  if (by !== undefined) received.by = by;
  const via = clauses.via?.words.join(" ");
  if (via) received.via = via;
  const protocol = readWith(clauses.with);
  if (protocol !== undefined) received.with = protocol;
  const id = firstWord("id", clauses.id, warnings);
  if (id !== undefined) received.id = id;
  const recipient = clauses.for && unbracket(clauses.for.words.join(" "));
  if (recipient) received.for = recipient;
  const tls = readTls(lexemes.tokens, protocol);
  if (tls !== undefined) received.tls = tls;
  if (lexemes.dateText !== undefined) {
    const time = parseDate(lexemes.dateText);
    if (time !== undefined) received.time = time;
    else warnings.push(`date-time not understood: ${lexemes.dateText.trim()}`);
  }
  // qmail's "(qmail 1234 invoked from network)" is a comment alone: a local hop, no warning.
  const commentOnly = lexemes.tokens[0]?.kind === "comment";
  if (!clauses.from && !clauses.by && !commentOnly) {
    warnings.push("neither a from nor a by clause");
  }
  return received;
}

/** The clause keyword `text` is, if any (case-insensitive, without a lower-case copy). */
function clauseName(text: string): ClauseName | undefined {
  for (const keyword of CLAUSES) if (sameLetters(text, keyword)) return keyword;
  return undefined;
}

/**
 * Whether `text` is `lower` in any case. `lower` is lower-case letters and "-" (which "\r"
 * would match too; words hold no line breaks).
 */
function sameLetters(text: string, lower: string): boolean {
  if (text.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Groups tokens under the clause keyword before them; leading comments belong to no clause. */
function groupClauses(
  tokens: ReceivedToken[],
  warnings: string[],
): Partial<Record<ClauseName, Clause>> {
  // Every key from the start: one object shape for every field.
  const clauses: Partial<Record<ClauseName, Clause>> = {
    from: undefined,
    by: undefined,
    via: undefined,
    with: undefined,
    id: undefined,
    for: undefined,
  };
  let current: Clause | undefined;
  for (const token of tokens) {
    const keyword = token.kind === "word" ? clauseName(token.text) : undefined;
    if (keyword !== undefined) {
      current = { words: [], comments: [] };
      if (clauses[keyword]) warnings.push(`second ${keyword} clause ignored`);
      else clauses[keyword] = current;
    } else if (token.kind === "comment") current?.comments.push(token.text);
    else if (current) current.words.push(token.text);
    else warnings.push(`word before any clause ignored: ${token.text}`);
  }
  return clauses;
}

/**
 * The extensions MTAs write after a clause's value: Exim and Haraka `tls CIPHER`, Haraka
 * `envelope-from <address>`. Anything else is a warning.
 */
function firstWord(name: string, clause: Clause | undefined, warnings: string[]) {
  if (!clause) return undefined;
  const words = clause.words;
  const first = words[0];
  const unexpected: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i].toLowerCase();
    if (word === "tls" || word === "envelope-from") i++;
    else unexpected.push(words[i]);
  }
  if (unexpected.length > 0) {
    warnings.push(`unexpected words after ${name} ${first}: ${unexpected.join(" ")}`);
  }
  if (first === undefined) warnings.push(`empty ${name} clause`);
  return first;
}

/** The protocol; Microsoft writes several words ("Microsoft SMTP Server"), Exim adds `tls X`. */
function readWith(clause: Clause | undefined): string | undefined {
  if (!clause) return undefined;
  const words = clause.words;
  const isTls = (i: number) => words[i]?.length === 3 && words[i].toLowerCase() === "tls";
  const text = words.filter((_, i) => !isTls(i) && !isTls(i - 1)).join(" ");
  return PROTOCOLS.test(text) ? text.toUpperCase() : text || undefined;
}

/**
 * RFC 5321 §4.4: From-domain = "FROM" FWS Extended-Domain, where Extended-Domain is the HELO
 * name, optionally followed by "(" TCP-info ")" with the reverse-DNS name and address literal.
 * qmail writes "(HELO name)", Exim "(helo=name)": then the leading word is the reverse name.
 */
function readFrom(clause: Clause, warnings: string[]): ReceivedFrom {
  const from: ReceivedFrom = {};
  const [first, ...rest] = clause.words;
  if (rest.length > 0) warnings.push(`unexpected words in from clause: ${rest.join(" ")}`);
  let heloInComment: string | undefined;
  for (const comment of clause.comments) {
    const helo = HELO_MENTION.test(comment) ? HELO.exec(comment) : null;
    if (helo) heloInComment = helo[1];
    readTcpInfo(comment, from);
  }
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
    if (name && !isUnknown(name) && !/\s/.test(name) && !isIpAddress(name)) {
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
  return sameLetters(name, "unknown");
}

/** An address without its angle brackets: `<a@b>` → `a@b`. */
function unbracket(text: string): string {
  const start = text.startsWith("<") ? 1 : 0;
  return text.slice(start, text.endsWith(">") ? -1 : text.length);
}
