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
  const warnings = [...lexemes.warnings];
  const clauses = groupClauses(lexemes.tokens, warnings);
  const received: Received = { from: {}, raw: value, warnings };
  const from = clauses.get("from");
  if (from) received.from = readFrom(from, warnings);
  received.by = firstWord("by", clauses.get("by"), warnings);
  const via = clauses.get("via");
  if (via) received.via = via.words.join(" ") || undefined;
  received.with = readWith(clauses.get("with"));
  received.id = firstWord("id", clauses.get("id"), warnings);
  const forClause = clauses.get("for")?.words.join(" ");
  if (forClause) received.for = forClause.replace(/^<|>$/g, "");
  received.tls = readTls(lexemes.tokens, received.with);
  if (lexemes.dateText !== undefined) {
    received.time = parseDate(lexemes.dateText);
    if (!received.time) warnings.push(`date-time not understood: ${lexemes.dateText.trim()}`);
  }
  // qmail's "(qmail 1234 invoked from network)" is a comment alone: a local hop, no warning.
  const commentOnly = lexemes.tokens[0]?.kind === "comment";
  if (!from && !clauses.has("by") && !commentOnly) warnings.push("neither a from nor a by clause");
  return dropUndefined(received);
}

/** Groups tokens under the clause keyword before them; leading comments belong to no clause. */
function groupClauses(tokens: ReceivedToken[], warnings: string[]): Map<ClauseName, Clause> {
  const clauses = new Map<ClauseName, Clause>();
  let current: Clause | undefined;
  for (const token of tokens) {
    const keyword = token.text.toLowerCase() as ClauseName;
    if (token.kind === "word" && CLAUSES.includes(keyword)) {
      if (clauses.has(keyword)) warnings.push(`second ${keyword} clause ignored`);
      current = { words: [], comments: [] };
      if (!clauses.has(keyword)) clauses.set(keyword, current);
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
  const [first, ...rest] = clause.words;
  const unexpected: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i].toLowerCase();
    if (word === "tls" || word === "envelope-from") i++;
    else unexpected.push(rest[i]);
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
  const words = clause.words.filter((word, i, all) =>
    word.toLowerCase() !== "tls" && all[i - 1]?.toLowerCase() !== "tls"
  );
  const text = words.join(" ");
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
    const helo = /(?:^|\s)HELO[\s=]+([^\s)]+)/i.exec(comment);
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
  const literal = /\[(?:IPv6:)?([0-9a-f.:]+)\]/i.exec(comment);
  if (literal && isIpAddress(literal[1])) {
    from.ip ??= literal[1];
    const name = comment.slice(0, literal.index).trim().replace(/^(?:IDENT:)?\S*@/i, "")
      .replace(/\.$/, "");
    if (name && !isUnknown(name) && !/\s/.test(name) && !isIpAddress(name)) {
      from.reverseName ??= name;
    }
    return;
  }
  const bare = /^(?:[^@\s]+@)?([0-9a-f.:]+)$/i.exec(comment);
  if (bare && isIpAddress(bare[1])) from.ip ??= bare[1];
}

function addressLiteral(word: string): string | undefined {
  const match = /^\[(?:IPv6:)?([0-9a-f.:]+)\](?::\d+)?$/i.exec(word);
  return match && isIpAddress(match[1]) ? match[1] : undefined;
}

function isUnknown(name: string): boolean {
  return name.toLowerCase() === "unknown";
}

function dropUndefined(received: Received): Received {
  for (const key of Object.keys(received) as (keyof Received)[]) {
    if (received[key] === undefined) delete received[key];
  }
  return received;
}
