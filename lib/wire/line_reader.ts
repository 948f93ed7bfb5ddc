/**
 * A CRLF line reader with length limits over a byte stream: the first stage of every
 * SMTP session, server or client.
 *
 * @module
 */

import { concatBytes } from "./bytes.ts";
import { type ChunkSource, streamSource } from "./chunk_source.ts";
import { LineTooLongError, UnexpectedEofError } from "./errors.ts";

/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
export const COMMAND_LINE_LIMIT = 512;

/** RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets, CRLF included. */
export const TEXT_LINE_LIMIT = 1000;

const LF = 10;
const CR = 13;

/** One line read off the wire. */
export interface Line {
  /** The line's bytes without its line ending. */
  bytes: Uint8Array;
  /** True if the line ended with CRLF, false if with a bare LF. */
  crlf: boolean;
}

/** Options of {@linkcode LineReader}. */
export interface LineReaderOptions {
  /** Default limit of {@linkcode LineReader.readLine}, line ending included; 512 if unset. */
  maxLineLength?: number;
}

/**
 * Reads lines and raw byte runs from a `ReadableStream<Uint8Array>`. A line ends at LF;
 * a CR right before the LF is stripped, a lone CR elsewhere stays in the line. Lines that
 * fit in one chunk come back as views of it; only lines spanning chunks are copied.
 * One caller at a time: do not overlap calls.
 *
 * @example
 * ```ts
 * import { LineReader } from "./line_reader.ts";
 * const source = ReadableStream.from([new TextEncoder().encode("EHLO a\r\nQUIT\r\n")]);
 * const reader = new LineReader(source);
 * const line = await reader.readLine(); // { bytes: "EHLO a", crlf: true }
 * ```
 */
export class LineReader {
  /** Limit used by {@linkcode readLine} when none is passed. */
  readonly maxLineLength: number;
  readonly #source: ChunkSource;
  /** Unconsumed chunks, oldest first; `#offset` indexes into the first. */
  readonly #chunks: Uint8Array[] = [];
  #offset = 0;
  #buffered = 0;
  #eof = false;

  /** Wraps `source` (a stream is locked until {@linkcode cancel}). */
  constructor(source: ReadableStream<Uint8Array> | ChunkSource, options: LineReaderOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? COMMAND_LINE_LIMIT;
    this.#source = source instanceof ReadableStream ? streamSource(source) : source;
  }

  /** Bytes received but not consumed yet (RFC 2920: the server flushes replies at 0). */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Reads the next line. Returns null at a clean end of input. Throws
   * {@linkcode UnexpectedEofError} if the input ends inside a line, and
   * {@linkcode LineTooLongError} if the line, its ending included, is longer than
   * `maxLineLength`: the rest of that line has then been skipped, so reading may go on.
   */
  async readLine(maxLineLength: number = this.maxLineLength): Promise<Line | null> {
    const parts: Uint8Array[] = [];
    let seen = 0;
    let skipping = false;
    while (true) {
      const chunk = this.#chunks[0] ?? await this.#pull();
      if (chunk === undefined) {
        if (seen === 0) return null;
        throw new UnexpectedEofError("Input ended inside a line");
      }
      const start = this.#offset;
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      seen += end - start;
      if (lf !== -1) {
        this.#consume(lf + 1 - start);
        // RFC 5321 §4.5.3.1.4: the limit counts the line ending.
        if (skipping || seen + 1 > maxLineLength) {
          throw new LineTooLongError(maxLineLength, seen + 1);
        }
        parts.push(chunk.subarray(start, lf));
        return toLine(concatBytes(parts));
      }
      this.#consume(end - start);
      if (skipping) continue;
      if (seen >= maxLineLength) {
        // Too long whatever ending follows: drop what we kept and skip to the LF.
        skipping = true;
        parts.length = 0;
      } else {
        parts.push(chunk.subarray(start));
      }
    }
  }

  /**
   * Returns the next line if it is already whole in the current buffered chunk, else undefined
   * (then call {@linkcode readLine}). Saves a promise per line on hot paths:
   * `reader.bufferedLine() ?? await reader.readLine()`.
   */
  bufferedLine(maxLineLength: number = this.maxLineLength): Line | undefined {
    const chunk = this.#chunks[0];
    if (chunk === undefined) return undefined;
    const start = this.#offset;
    const lf = chunk.indexOf(LF, start);
    // Over-long lines take the slow path, which reports them.
    if (lf === -1 || lf + 1 - start > maxLineLength) return undefined;
    this.#consume(lf + 1 - start);
    return toLine(chunk.subarray(start, lf));
  }

  /**
   * Reads at most `max` bytes (`max` > 0): buffered bytes first, else the next chunk of the
   * source; whatever does not fit stays buffered. Returns null at the end of input.
   */
  async read(max: number): Promise<Uint8Array | null> {
    if (!(max > 0)) throw new RangeError(`read: max must be positive, got ${max}`);
    const chunk = this.#chunks[0] ?? await this.#pull();
    if (chunk === undefined) return null;
    const start = this.#offset;
    const count = Math.min(max, chunk.length - start);
    this.#consume(count);
    return chunk.subarray(start, start + count);
  }

  /** Puts `bytes` back in front of the buffer, to be read before anything else. */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#offset > 0) {
      this.#chunks[0] = this.#chunks[0].subarray(this.#offset);
      this.#offset = 0;
    }
    this.#chunks.unshift(bytes);
    this.#buffered += bytes.length;
  }

  /** Drops the buffer and cancels the source, releasing it. */
  async cancel(): Promise<void> {
    this.#chunks.length = 0;
    this.#offset = 0;
    this.#buffered = 0;
    this.#eof = true;
    await this.#source.cancel();
  }

  /** Appends the next non-empty chunk of the source; undefined at its end. */
  async #pull(): Promise<Uint8Array | undefined> {
    while (!this.#eof) {
      const value = await this.#source.read();
      if (value === null) {
        this.#eof = true;
        break;
      }
      if (value.length === 0) continue;
      this.#chunks.push(value);
      this.#buffered += value.length;
      return value;
    }
    return undefined;
  }

  /** Marks `count` bytes of the first chunk consumed. */
  #consume(count: number): void {
    this.#offset += count;
    this.#buffered -= count;
    if (this.#offset === this.#chunks[0].length) {
      this.#chunks.shift();
      this.#offset = 0;
    }
  }
}

/** Strips the CR of a CRLF ending. */
function toLine(bytes: Uint8Array): Line {
  const crlf = bytes.length > 0 && bytes[bytes.length - 1] === CR;
  return { bytes: crlf ? bytes.subarray(0, bytes.length - 1) : bytes, crlf };
}
