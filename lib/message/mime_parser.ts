/**
 * The streaming MIME parser: octets in, a tree of {@linkcode MessagePart}s out, in bounded
 * memory (bodies are decoded, hashed and measured as they pass, and kept only when asked).
 *
 * @module
 */

import { concatBytes } from "../wire/bytes.ts";
import { matchDelimiter, NEED_MORE, type OpenDelimiter } from "./boundary.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { isContinuation, parseHeaderBlock, startsField } from "./header.ts";
import { describePart, isDecoded, type MessagePart, newPart } from "./part.ts";
import { BodySink } from "./part_body.ts";

const LF = 10;
const CR = 13;
const DASH = 45;
const CRLF = new Uint8Array([CR, LF]);
const CR_ONLY = CRLF.subarray(0, 1);
const LF_ONLY = CRLF.subarray(1);
const FROM_ = new TextEncoder().encode("From ");
/** Room kept past `maxHeaderBytes` so that the line that crosses it can still be read. */
const HEADER_LINE_ROOM = 4096;

/** Options of {@linkcode MimeParser}. */
export interface MimeParserOptions {
  /** Keep decoded bodies on `part.body`: all, none, or those a predicate picks (its header is read). */
  keepBodies?: boolean | ((part: MessagePart) => boolean);
  /** Nesting of multipart and message parts beyond which content is not parsed; 64. */
  maxDepth?: number;
  /** Octets of one part's header block kept; later fields are dropped with a warning. 16 MiB. */
  maxHeaderBytes?: number;
}

/** The parser's limits, named once. */
export const MIME_PARSER_DEFAULTS = { maxDepth: 64, maxHeaderBytes: 16 * 1024 * 1024 } as const;

type State = "headers" | "body" | "preamble" | "parts" | "epilogue" | "message";

interface Frame {
  part: MessagePart;
  state: State;
  depth: number;
  /** The enclosing multipart is a multipart/digest (RFC 2046 §5.1.5). */
  inDigest: boolean;
  header?: ByteBuffer;
  /** Where the current header line starts in `header`, and how long it is so far. */
  lineStart: number;
  lineLength: number;
  /** "--" + boundary while the multipart is open. */
  delimiter?: Uint8Array;
  sink?: BodySink;
  children: number;
}

/**
 * A push parser for one message (RFC 5322 syntax, RFC 2045/2046 MIME). Never throws on bad
 * input: whatever it could not make sense of becomes a warning on the part concerned.
 *
 * @example
 * ```ts
 * const parser = new MimeParser();
 * parser.push(new TextEncoder().encode("Content-Type: text/plain\r\n\r\nhello\r\n"));
 * const root = parser.end();
 * root.contentType.mediaType; // "text/plain"
 * root.decodedSize;           // 7
 * ```
 */
export class MimeParser {
  readonly #stack: Frame[] = [];
  readonly #keep: (part: MessagePart) => boolean;
  readonly #maxDepth: number;
  readonly #maxHeaderBytes: number;
  #delimiters: OpenDelimiter[] = [];
  #received = 0;
  #carry: Uint8Array | undefined;
  #atLineStart = true;
  #pendingEol: Uint8Array | undefined;
  #final = false;
  /** The message: path "1". */
  readonly root: MessagePart;

  /** A parser for one message; `options` bound body keeping, nesting depth and header size. */
  constructor(options: MimeParserOptions = {}) {
    const keep = options.keepBodies ?? false;
    this.#keep = typeof keep === "function" ? keep : () => keep;
    this.#maxDepth = options.maxDepth ?? MIME_PARSER_DEFAULTS.maxDepth;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? MIME_PARSER_DEFAULTS.maxHeaderBytes;
    this.root = this.#open("1", 0, 0, false).part;
  }

  /** Takes the next octets of the message. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.#final) return;
    let data = chunk;
    let base = this.#received;
    this.#received += chunk.length;
    if (this.#carry) {
      data = concatBytes([this.#carry, chunk]);
      base -= this.#carry.length;
      this.#carry = undefined;
    }
    this.#process(data, base);
  }

  /** Ends the input and returns the whole tree, every open part closed. */
  end(): MessagePart {
    if (this.#final) return this.root;
    this.#final = true;
    for (let carry = this.#carry; carry; carry = this.#carry) {
      this.#carry = undefined;
      this.#process(carry, this.#received - carry.length);
    }
    const top = this.#stack[this.#stack.length - 1];
    if (top.sink && this.#pendingEol) top.sink.write(this.#pendingEol);
    while (this.#stack.length > 0) this.#closeTop(this.#received);
    return this.root;
  }

  #process(data: Uint8Array, base: number): void {
    let pos = 0;
    while (pos < data.length && !this.#carry) {
      const frame = this.#stack[this.#stack.length - 1];
      pos = frame.state === "headers"
        ? this.#feedHeader(frame, data, pos, base)
        : this.#feedBody(frame, data, pos, base);
    }
  }

  /** Pushes a new part that starts at `offset` with its header. */
  #open(path: string, offset: number, depth: number, inDigest: boolean): Frame {
    const frame: Frame = {
      part: newPart(path, offset),
      state: "headers",
      depth,
      inDigest,
      header: new ByteBuffer(this.#maxHeaderBytes + HEADER_LINE_ROOM),
      lineStart: 0,
      lineLength: 0,
      children: 0,
    };
    this.#stack.push(frame);
    return frame;
  }

  /** Header lines, one at a time; returns where processing goes on. */
  #feedHeader(frame: Frame, data: Uint8Array, pos: number, base: number): number {
    const header = frame.header!;
    for (;;) {
      const lf = data.indexOf(LF, pos);
      const next = lf < 0 ? data.length : lf + 1;
      header.append(data, pos, next);
      frame.lineLength += next - pos;
      if (lf < 0) return next;
      const lineOffset = base + next - frame.lineLength;
      const line = header.bytes().subarray(frame.lineStart);
      const verdict = this.#headerLine(frame, line, lineOffset, base + next);
      if (verdict === "ended") return next;
      if (verdict === "body") {
        // The line belongs to the body: read it again in the new state.
        const start = next - frame.lineLength;
        if (start >= 0) return start;
        this.#carry = new Uint8Array(line.length + data.length - next);
        this.#carry.set(line);
        this.#carry.set(data.subarray(next), line.length);
        return data.length;
      }
      frame.lineStart = header.length;
      frame.lineLength = 0;
      pos = next;
    }
  }

  /** Classifies one complete header line and acts on it. */
  #headerLine(
    frame: Frame,
    line: Uint8Array,
    lineOffset: number,
    nextOffset: number,
  ): "field" | "ended" | "body" {
    const header = frame.header!;
    const blank = frame.lineLength <= 2 && (line[0] === LF || (line[0] === CR && line[1] === LF));
    if (blank) {
      header.truncate(frame.lineStart);
      this.#enterBody(frame, nextOffset);
      return "ended";
    }
    if (line[0] === DASH && this.#delimiters.length > 0) {
      const match = matchDelimiter(line, 0, this.#delimiters, true);
      if (match && match !== NEED_MORE) {
        header.truncate(frame.lineStart);
        frame.part.warnings.push("the part ends inside its header (no blank line)");
        this.#readHeader(frame, lineOffset);
        this.#delimiterLine(match.delimiter, match.close, lineOffset, nextOffset);
        return "ended";
      }
    }
    if (frame.lineStart === 0 && startsWith(line, FROM_) && !startsField(line)) {
      // An mbox "From " line before a header (RFC 4155): not a field.
      header.truncate(frame.lineStart);
      return "field";
    }
    if (line.length < frame.lineLength && header.length >= this.#maxHeaderBytes) {
      return this.#dropHeaderLine(frame);
    }
    if (isContinuation(line) || startsField(line)) {
      return header.length > this.#maxHeaderBytes ? this.#dropHeaderLine(frame) : "field";
    }
    // RFC 5322 §2.2: a line that is no field ends the header even without the blank line.
    header.truncate(frame.lineStart);
    frame.part.warnings.push("no blank line after the header: the body starts at a non-field line");
    this.#enterBody(frame, lineOffset);
    return "body";
  }

  #dropHeaderLine(frame: Frame): "field" {
    frame.header!.truncate(frame.lineStart);
    const warning = `header larger than ${this.#maxHeaderBytes} octets: the rest is dropped`;
    if (!frame.part.warnings.includes(warning)) frame.part.warnings.push(warning);
    return "field";
  }

  /** Parses the header block collected so far and describes the part by it. */
  #readHeader(frame: Frame, bodyOffset: number): void {
    const part = frame.part;
    const block = frame.header!.bytes().slice();
    frame.header = undefined;
    part.bodyOffset = bodyOffset;
    describePart(part, parseHeaderBlock(block, part.warnings), frame.inDigest);
  }

  /** After the header: a multipart, an encapsulated message or a leaf body. */
  #enterBody(frame: Frame, bodyOffset: number): void {
    this.#readHeader(frame, bodyOffset);
    this.#atLineStart = true;
    this.#pendingEol = undefined;
    const part = frame.part;
    const { type, subtype, params } = part.contentType;
    const nested = type === "multipart" ||
      (type === "message" && (subtype === "rfc822" || subtype === "global"));
    if (nested && frame.depth >= this.#maxDepth) {
      part.warnings.push(`nested deeper than ${this.#maxDepth} levels: content not parsed`);
    } else if (type === "multipart" && !params.boundary) {
      part.warnings.push("multipart without a boundary parameter: read as one body");
    } else if (type === "multipart") {
      // RFC 2046 §5.1.1: the delimiter is "--" followed by the boundary.
      frame.delimiter = new TextEncoder().encode(`--${params.boundary}`);
      frame.state = "preamble";
      this.#refreshDelimiters();
      return;
    } else if (nested && isDecoded(part)) {
      // RFC 2046 §5.2.1: message/rfc822 is 7bit, 8bit or binary; an encoded one stays a leaf.
      part.warnings.push(`${part.contentType.mediaType} in ${part.transferEncoding}: not parsed`);
    } else if (nested) {
      frame.state = "message";
      this.#open(`${part.path}.1`, bodyOffset, frame.depth + 1, false);
      return;
    }
    frame.state = "body";
    frame.sink = new BodySink(part, this.#keep(part));
  }

  /** Body octets up to the next delimiter line of an open multipart. */
  #feedBody(frame: Frame, data: Uint8Array, pos: number, base: number): number {
    if (this.#delimiters.length === 0) {
      this.#emit(frame, data, pos, data.length);
      return data.length;
    }
    for (let i = pos;;) {
      const dash = data.indexOf(DASH, i);
      if (dash < 0) break;
      const lineStart = dash === 0 ? this.#atLineStart : data[dash - 1] === LF;
      const match = lineStart
        ? matchDelimiter(data, dash, this.#delimiters, this.#final)
        : undefined;
      if (match === undefined) {
        i = dash + 1;
        continue;
      }
      if (match === NEED_MORE) {
        this.#emitHoldingEol(frame, data, pos, dash);
        this.#carry = data.slice(dash);
        this.#atLineStart = true;
        return data.length;
      }
      // RFC 2046 §5.1.1: the line break before a delimiter belongs to the delimiter.
      let eol = dash;
      if (eol > pos && data[eol - 1] === LF) eol--;
      if (eol > pos && data[eol - 1] === CR) eol--;
      const splitCrLf = dash === pos + 1 && data[pos] === LF && this.#pendingEol === CR_ONLY;
      let end = base + eol;
      // A held-back line break right before the delimiter is the delimiter's, not content.
      if (dash === pos || splitCrLf) end -= this.#pendingEol?.length ?? 0;
      else this.#emit(frame, data, pos, eol);
      this.#pendingEol = undefined;
      this.#delimiterLine(match.delimiter, match.close, end, base + match.lineEnd);
      return match.lineEnd;
    }
    this.#emitHoldingEol(frame, data, pos, data.length);
    this.#atLineStart = data[data.length - 1] === LF;
    return data.length;
  }

  /** Emits `data[from, to)` but holds back a line break at its end: a delimiter may follow. */
  #emitHoldingEol(frame: Frame, data: Uint8Array, from: number, to: number): void {
    let cut = to;
    if (cut > from && data[cut - 1] === LF) cut--;
    if (cut > from && data[cut - 1] === CR) cut--;
    if (cut === from && this.#pendingEol === CR_ONLY && data[from] === LF && to === from + 1) {
      this.#pendingEol = CRLF;
      return;
    }
    if (cut > from || to > from) this.#emit(frame, data, from, cut);
    if (to > cut) this.#pendingEol = to - cut === 2 ? CRLF : data[cut] === CR ? CR_ONLY : LF_ONLY;
  }

  /** Sends body octets to the part's sink, a held-back line break first. */
  #emit(frame: Frame, data: Uint8Array, from: number, to: number): void {
    const sink = frame.sink;
    if (this.#pendingEol) {
      sink?.write(this.#pendingEol);
      this.#pendingEol = undefined;
    }
    if (to > from) sink?.write(data.subarray(from, to));
  }

  /** A delimiter line of the multipart that owns `delimiter`, from `start` to `next`. */
  #delimiterLine(delimiter: OpenDelimiter, close: boolean, start: number, next: number): void {
    while (this.#stack.length - 1 > delimiter.owner) this.#closeTop(start);
    const multipart = this.#stack[delimiter.owner];
    this.#atLineStart = true;
    this.#pendingEol = undefined;
    if (close) {
      multipart.state = "epilogue";
      multipart.delimiter = undefined;
      this.#refreshDelimiters();
      return;
    }
    multipart.state = "parts";
    const path = `${multipart.part.path}.${++multipart.children}`;
    const digest = multipart.part.contentType.subtype === "digest";
    this.#open(path, next, multipart.depth + 1, digest);
  }

  /** Closes the innermost part at `end`, with a warning if it was cut short. */
  #closeTop(end: number): void {
    const frame = this.#stack.pop()!;
    const part = frame.part;
    if (frame.state === "headers") {
      if (frame.header!.length > 0 || frame.lineLength > 0) {
        part.warnings.push("the part ends inside its header (no blank line)");
      }
      this.#readHeader(frame, end);
    }
    if (frame.state === "preamble") {
      part.warnings.push(`boundary "${part.contentType.params.boundary}" never found: no parts`);
    } else if (frame.state === "parts") {
      part.warnings.push(`missing close delimiter "--${part.contentType.params.boundary}--"`);
    }
    part.endOffset = Math.max(end, part.bodyOffset);
    if (frame.sink) frame.sink.finish();
    else part.encodedSize = part.endOffset - part.bodyOffset;
    const parent = this.#stack[this.#stack.length - 1];
    parent?.part.children.push(part);
    if (frame.delimiter) {
      frame.delimiter = undefined;
      this.#refreshDelimiters();
    }
  }

  #refreshDelimiters(): void {
    const open: OpenDelimiter[] = [];
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const bytes = this.#stack[i].delimiter;
      if (bytes) open.push({ bytes, owner: i });
    }
    this.#delimiters = open;
  }
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}
