/**
 * SMTP replies (RFC 5321 §4.2) with enhanced status codes (RFC 2034, RFC 3463):
 * formatting for servers, incremental parsing for clients.
 *
 * @module
 */

import { ReplySyntaxError } from "./errors.ts";

/** An enhanced mail system status code, `class.subject.detail` (RFC 3463 §2). */
export interface EnhancedStatus {
  /** 2 success, 4 persistent transient failure, 5 permanent failure. */
  klass: 2 | 4 | 5;
  /** What the status is about (RFC 3463 §3), e.g. 1 addressing, 7 security. */
  subject: number;
  /** The detail within the subject. */
  detail: number;
}

/** A whole reply: its code, optional enhanced status and the text of each line. */
export interface Reply {
  /** The three-digit reply code (RFC 5321 §4.2.1). */
  code: number;
  /** The enhanced status shown at the start of every line's text, if any. */
  enhanced?: EnhancedStatus;
  /** Text of each line, without code or enhanced status. */
  lines: string[];
}

// RFC 3463 §2: status-code = class "." subject "." detail; subject, detail = 1*3digit.
const ENHANCED_STATUS = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
// RFC 2034 §4: the status leads the text of each line, followed by a space.
const ENHANCED_PREFIX = /^([245])\.(\d{1,3})\.(\d{1,3})(?= |$)/;

/**
 * Parses an enhanced status code such as `"5.1.1"`; undefined if `text` is not one.
 *
 * @example
 * ```ts
 * import { parseEnhancedStatus } from "./reply.ts";
 * parseEnhancedStatus("2.1.0"); // { klass: 2, subject: 1, detail: 0 }
 * ```
 */
export function parseEnhancedStatus(text: string): EnhancedStatus | undefined {
  const match = ENHANCED_STATUS.exec(text);
  return match ? toStatus(match) : undefined;
}

/** Formats an enhanced status code as `class.subject.detail`, e.g. `"2.1.0"`. */
export function formatEnhancedStatus(status: EnhancedStatus): string {
  return `${status.klass}.${status.subject}.${status.detail}`;
}

function toStatus(match: RegExpExecArray): EnhancedStatus {
  return {
    klass: Number(match[1]) as 2 | 4 | 5,
    subject: Number(match[2]),
    detail: Number(match[3]),
  };
}

/**
 * Builds a reply; `enhanced` is a status string such as `"2.1.0"` or undefined.
 *
 * @example
 * ```ts
 * import { formatReply, reply } from "./reply.ts";
 * formatReply(reply(250, "2.1.0", "Ok")); // "250 2.1.0 Ok\r\n"
 * ```
 */
export function reply(code: number, enhanced: string | undefined, ...lines: string[]): Reply {
  if (enhanced === undefined) return { code, lines };
  const status = parseEnhancedStatus(enhanced);
  if (status === undefined) throw new ReplySyntaxError(`Bad enhanced status code: ${enhanced}`);
  return { code, enhanced: status, lines };
}

/**
 * Formats a reply for the wire: `code "-" text` on every line but the last, which has
 * `code SP text`; the enhanced status, if any, starts every line's text. An empty text
 * drops the space, so `{ code: 250, lines: [] }` is `"250\r\n"`.
 *
 * @example
 * ```ts
 * import { formatReply } from "./reply.ts";
 * formatReply({ code: 250, lines: ["mx.example", "PIPELINING"] });
 * // "250-mx.example\r\n250 PIPELINING\r\n"
 * ```
 */
export function formatReply(reply: Reply): string {
  const { code, enhanced } = reply;
  // RFC 5321 §4.2: the first digit of a reply code is 2 to 5.
  if (!Number.isInteger(code) || code < 200 || code > 599) {
    throw new ReplySyntaxError(`Reply code out of range: ${code}`);
  }
  const lines = reply.lines.length === 0 ? [""] : reply.lines;
  // RFC 2034 §4: the enhanced status is repeated on every line of the reply.
  const prefix = enhanced === undefined ? "" : formatEnhancedStatus(enhanced);
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/[\r\n]/.test(line)) throw new ReplySyntaxError("Reply text must not contain CR or LF");
    const text = prefix === "" ? line : line === "" ? prefix : `${prefix} ${line}`;
    // RFC 5321 §4.2.1: "-" after the code on all lines but the last, SP on the last.
    const separator = i < lines.length - 1 ? "-" : text === "" ? "" : " ";
    out += `${code}${separator}${text}\r\n`;
  }
  return out;
}

const encoder = new TextEncoder();

/** Formats a reply as UTF-8 bytes ready to write. */
export function encodeReply(reply: Reply): Uint8Array {
  return encoder.encode(formatReply(reply));
}

/**
 * Sans-IO parser of server replies for clients: push each line (without CRLF), get the
 * {@linkcode Reply} when its last line arrives. Throws {@linkcode ReplySyntaxError} on a
 * malformed line and forgets the partial reply, so it can go on with the next one.
 *
 * @example
 * ```ts
 * import { ReplyParser } from "./reply.ts";
 * const parser = new ReplyParser();
 * parser.push("250-2.0.0 mx.example Hello"); // undefined
 * parser.push("250 2.0.0 SIZE 1000");
 * // { code: 250, enhanced: { klass: 2, subject: 0, detail: 0 }, lines: ["mx.example Hello", "SIZE 1000"] }
 * ```
 */
export class ReplyParser {
  #code = 0;
  #lines: string[] = [];
  #enhanced: EnhancedStatus | undefined;
  #enhancedText = "";

  /** True while a multi-line reply has started but not ended. */
  get pending(): boolean {
    return this.#code !== 0;
  }

  /** Takes one reply line; returns the reply when this was its last line. */
  push(line: string): Reply | undefined {
    // RFC 5321 §4.2: Reply-code [ SP textstring ] CRLF, or Reply-code "-" for more lines.
    if (!/^[2-5][0-9][0-9]([ -]|$)/.test(line)) this.#fail("Malformed reply line", line);
    const code = Number(line.slice(0, 3));
    const separator = line.length === 3 ? "" : line[3];
    if (this.#code === 0) {
      this.#start(code, line.slice(4));
    } else if (code !== this.#code) {
      // RFC 5321 §4.2.1: every line of a multi-line reply carries the same code.
      this.#fail("Reply code changed within a reply", line);
    } else {
      this.#lines.push(this.#stripStatus(line.slice(4)));
    }
    if (separator === "-") return undefined;
    const reply: Reply = { code, lines: this.#lines };
    if (this.#enhanced !== undefined) reply.enhanced = this.#enhanced;
    this.#reset();
    return reply;
  }

  /** Takes the first line: RFC 2034 §4 status recognised only if its class matches the code. */
  #start(code: number, text: string): void {
    this.#code = code;
    const match = ENHANCED_PREFIX.exec(text);
    if (match !== null && Number(match[1]) === Math.floor(code / 100)) {
      this.#enhanced = toStatus(match);
      this.#enhancedText = match[0];
    }
    this.#lines.push(this.#stripStatus(text));
  }

  #stripStatus(text: string): string {
    const status = this.#enhancedText;
    if (status === "" || !text.startsWith(status)) return text;
    if (text.length === status.length) return "";
    return text[status.length] === " " ? text.slice(status.length + 1) : text;
  }

  #fail(message: string, line: string): never {
    this.#reset();
    throw new ReplySyntaxError(`${message}: ${JSON.stringify(line.slice(0, 80))}`);
  }

  #reset(): void {
    this.#code = 0;
    this.#lines = [];
    this.#enhanced = undefined;
    this.#enhancedText = "";
  }
}
