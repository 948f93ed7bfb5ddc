/**
 * DATA bodies (RFC 5321 §4.1.1.4, §4.5.2): dot-unstuffing with a strict end-of-data rule
 * for servers, dot-stuffing for clients. Only `<CRLF>.<CRLF>` ends the data, so the
 * SMTP smuggling tricks (CVE-2023-51764, CVE-2023-51765, CVE-2023-51766) that hide a
 * second message behind `<LF>.<LF>` or `<CR>.<CR>` find nothing to split on.
 *
 * @module
 */

import { concatBytes } from "./bytes.ts";
import { UnexpectedEofError, WireError } from "./errors.ts";

const CR = 13;
const LF = 10;
const DOT = 46;
// Shared pieces of output: never mutate what the codecs return.
const CRLF = Uint8Array.of(CR, LF);
const EXTRA_DOT = Uint8Array.of(DOT);
const EMPTY = new Uint8Array(0);

/** Where a decoder or encoder stands between two bytes. */
const enum At {
  /** At the start of a line. */
  LineStart,
  /** Inside a line. */
  Mid,
  /** After a CR that ended a chunk; the next byte says if it was CRLF. */
  Cr,
  /** After a "." opening a line that followed a CRLF. */
  Dot,
  /** After `<CRLF>.<CR>`: an LF next ends the data. */
  DotCr,
}

/** Index of `byte` in `chunk` at or after `from`, or `chunk.length` if there is none. */
function indexOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

/** What one {@linkcode DotUnstuffer.push} decoded. */
export interface DotDecodeResult {
  /** Decoded message pieces, views of the input where nothing changed. */
  data: Uint8Array[];
  /** True once the end-of-data line has been seen. */
  done: boolean;
  /** Bytes after the terminating `<CRLF>.<CRLF>` (the next commands); empty unless done. */
  rest: Uint8Array;
}

/**
 * Sans-IO decoder of a DATA body. Removes the dot a client added to each line starting
 * with "." (RFC 5321 §4.5.2), turns every bare LF and bare CR into CRLF (counted in
 * {@linkcode bareNewlines}, as Postfix's `smtpd_forbid_bare_newline = normalize`), and
 * stops at the first `.` line that follows a CRLF and ends with CRLF (RFC 5321 §4.1.1.4).
 * It holds back at most a CR and a dot between chunks.
 *
 * @example
 * ```ts
 * import { DotUnstuffer } from "./dot.ts";
 * const decoder = new DotUnstuffer();
 * const { data, done, rest } = decoder.push(new TextEncoder().encode("..hi\r\n.\r\nQUIT\r\n"));
 * // data: ".hi\r\n", done: true, rest: "QUIT\r\n"
 * ```
 */
export class DotUnstuffer {
  /** Bare LFs and bare CRs seen (each was written as CRLF). */
  bareNewlines = 0;
  /** Octets of decoded output so far. */
  bytesOut = 0;
  #at = At.LineStart;
  // RFC 5321 §4.1.1.4: the DATA command's CRLF comes right before the body.
  #afterCrlf = true;
  #done = false;

  /** True once the end of data has been seen. */
  get done(): boolean {
    return this.#done;
  }

  /** Decodes the next chunk of the body; throws {@linkcode WireError} after the end. */
  push(chunk: Uint8Array): DotDecodeResult {
    if (this.#done) throw new WireError("DATA body already ended");
    const data: Uint8Array[] = [];
    const emit = (piece: Uint8Array) => {
      if (piece.length === 0) return;
      data.push(piece);
      this.bytesOut += piece.length;
    };
    const newline = (bare: boolean) => {
      emit(CRLF);
      if (bare) this.bareNewlines++;
      this.#afterCrlf = !bare;
      this.#at = At.LineStart;
    };
    const n = chunk.length;
    let i = 0; // next byte to look at
    let run = 0; // start of the bytes to pass on unchanged
    let nextCr = -1;
    let nextLf = -1;
    while (i < n) {
      switch (this.#at) {
        case At.LineStart:
          this.#at = At.Mid;
          if (chunk[i] !== DOT) break;
          // RFC 5321 §4.5.2: the first "." of a line is removed.
          emit(chunk.subarray(run, i));
          run = ++i;
          if (this.#afterCrlf) this.#at = At.Dot;
          break;
        case At.Dot:
          this.#at = At.Mid;
          if (chunk[i] === CR) {
            run = ++i; // held back: it may belong to the end-of-data line
            this.#at = At.DotCr;
          }
          break;
        case At.DotCr:
          // RFC 5321 §4.1.1.4: end of data is <CRLF>.<CRLF>, nothing else.
          if (chunk[i] === LF) return this.#finish(data, chunk.subarray(i + 1));
          newline(true); // "." then a bare CR: an empty line
          break;
        case At.Cr: {
          const crlf = chunk[i] === LF;
          if (crlf) run = ++i;
          newline(!crlf);
          break;
        }
        case At.Mid: {
          if (nextCr < i) nextCr = indexOrEnd(chunk, CR, i);
          if (nextLf < i) nextLf = indexOrEnd(chunk, LF, i);
          const j = Math.min(nextCr, nextLf);
          if (j === n) {
            i = n;
          } else if (chunk[j] === CR && j + 1 < n && chunk[j + 1] === LF) {
            i = j + 2; // a CRLF passes through
            this.#afterCrlf = true;
            this.#at = At.LineStart;
          } else {
            emit(chunk.subarray(run, j));
            run = i = j + 1;
            if (chunk[j] === CR && j + 1 === n) this.#at = At.Cr;
            else newline(true);
          }
        }
      }
    }
    emit(chunk.subarray(run, n));
    return { data, done: false, rest: EMPTY };
  }

  #finish(data: Uint8Array[], rest: Uint8Array): DotDecodeResult {
    this.#done = true;
    return { data, done: true, rest };
  }
}

/**
 * {@linkcode DotUnstuffer} as a stream: a dot-stuffed DATA body in, the message out.
 * The output closes at the end-of-data line; bytes after it are dropped and the input
 * side is then closed to writers. Input that ends before the end-of-data line errors the
 * stream with {@linkcode UnexpectedEofError}. A server reading pipelined commands after
 * DATA should use {@linkcode DotUnstuffer} itself, which hands back those bytes.
 *
 * @example
 * ```ts
 * import { DotUnstuffStream } from "./dot.ts";
 * const body = ReadableStream.from([new TextEncoder().encode("Hi\r\n.\r\n")]);
 * const message = body.pipeThrough(new DotUnstuffStream());
 * ```
 */
export class DotUnstuffStream extends TransformStream<Uint8Array, Uint8Array> {
  readonly #decoder: DotUnstuffer;

  /** Creates the stream with a fresh decoder. */
  constructor() {
    const decoder = new DotUnstuffer();
    super({
      transform(chunk, controller) {
        const { data, done } = decoder.push(chunk);
        if (data.length > 0) controller.enqueue(concatBytes(data));
        if (done) controller.terminate();
      },
      flush() {
        if (!decoder.done) throw new UnexpectedEofError("DATA body ended without <CRLF>.<CRLF>");
      },
    });
    this.#decoder = decoder;
  }

  /** Bare LFs and bare CRs seen so far (each was written as CRLF). */
  get bareNewlines(): number {
    return this.#decoder.bareNewlines;
  }

  /** Octets of decoded output so far. */
  get bytesOut(): number {
    return this.#decoder.bytesOut;
  }
}

/**
 * Encoder of a DATA body for clients: writes every line ending as CRLF (a bare LF or CR
 * too) and doubles a leading "." on every line (RFC 5321 §4.5.2); {@linkcode end} gives
 * the end-of-data line.
 *
 * @example
 * ```ts
 * import { DotStuffer } from "./dot.ts";
 * const encoder = new DotStuffer();
 * const pieces = encoder.push(new TextEncoder().encode(".hidden\n"));
 * pieces.push(encoder.end()); // "..hidden\r\n" then ".\r\n"
 * ```
 */
export class DotStuffer {
  readonly #stuffDots: boolean;
  #lineStart = true;
  #pendingCr = false;
  #ended = false;

  /**
   * An encoder at the start of a message.
   *
   * @param options `stuffDots: false` only makes line endings CRLF, for BDAT content (RFC 3030
   *   §2: counted, not dot-stuffed, yet still lines ending in CRLF for a text message)
   */
  constructor(options: { stuffDots?: boolean } = {}) {
    this.#stuffDots = options.stuffDots ?? true;
  }

  /** Encodes the next chunk of the message; views of it where nothing changes. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#ended) throw new WireError("DATA body already ended");
    const out: Uint8Array[] = [];
    const emit = (piece: Uint8Array) => piece.length > 0 && out.push(piece);
    const n = chunk.length;
    let i = 0;
    let run = 0;
    if (this.#pendingCr && n > 0) {
      // A CR ended the last chunk: it is CRLF whether or not this LF follows.
      out.push(CRLF);
      if (chunk[0] === LF) run = i = 1;
      this.#pendingCr = false;
      this.#lineStart = true;
    }
    let nextCr = -1;
    let nextLf = -1;
    while (i < n) {
      if (this.#lineStart) {
        this.#lineStart = false;
        // RFC 5321 §4.5.2: a line starting with "." gets another "." in front.
        if (chunk[i] === DOT && this.#stuffDots) {
          emit(chunk.subarray(run, i));
          out.push(EXTRA_DOT);
          run = i;
        }
      }
      if (nextCr < i) nextCr = indexOrEnd(chunk, CR, i);
      if (nextLf < i) nextLf = indexOrEnd(chunk, LF, i);
      const j = Math.min(nextCr, nextLf);
      if (j === n) break;
      this.#lineStart = true;
      if (chunk[j] === CR && j + 1 < n && chunk[j + 1] === LF) {
        i = j + 2;
        continue;
      }
      emit(chunk.subarray(run, j));
      run = i = j + 1;
      if (chunk[j] === CR && j + 1 === n) {
        this.#pendingCr = true;
        this.#lineStart = false;
      } else {
        out.push(CRLF); // RFC 5321 §2.3.8: lines end with CRLF, never a bare CR or LF
      }
    }
    emit(chunk.subarray(run, n));
    return out;
  }

  /** Ends the body: `.\r\n` after a line ending, else `\r\n.\r\n` (RFC 5321 §4.1.1.4). */
  end(): Uint8Array {
    if (this.#ended) throw new WireError("DATA body already ended");
    this.#ended = true;
    const atLineStart = this.#lineStart && !this.#pendingCr;
    return atLineStart ? Uint8Array.of(DOT, CR, LF) : Uint8Array.of(CR, LF, DOT, CR, LF);
  }

  /** Ends content sent without an end-of-data line (BDAT): a CR left pending as CRLF. */
  endLines(): Uint8Array {
    if (this.#ended) throw new WireError("DATA body already ended");
    this.#ended = true;
    return this.#pendingCr ? CRLF : EMPTY;
  }
}

/**
 * The content with every line ending written as CRLF (a bare LF or CR too) and nothing else
 * changed: for BDAT, where the content is counted instead of dot-stuffed (RFC 3030 §2).
 *
 * @example
 * ```ts
 * import { CrlfStream } from "./dot.ts";
 * const message = ReadableStream.from([new TextEncoder().encode(".Hi\n")]);
 * const content = message.pipeThrough(new CrlfStream()); // ".Hi\r\n"
 * ```
 */
export class CrlfStream extends TransformStream<Uint8Array, Uint8Array> {
  /** Creates the stream with a fresh encoder. */
  constructor() {
    const encoder = new DotStuffer({ stuffDots: false });
    super({
      transform(chunk, controller) {
        const pieces = encoder.push(chunk);
        if (pieces.length > 0) controller.enqueue(concatBytes(pieces));
      },
      flush(controller) {
        const rest = encoder.endLines();
        if (rest.length > 0) controller.enqueue(rest);
      },
    });
  }
}

/**
 * {@linkcode DotStuffer} as a stream: a message in, a dot-stuffed DATA body out, ending
 * with the end-of-data line.
 *
 * @example
 * ```ts
 * import { DotStuffStream } from "./dot.ts";
 * const message = ReadableStream.from([new TextEncoder().encode("Hi\n")]);
 * const body = message.pipeThrough(new DotStuffStream()); // "Hi\r\n.\r\n"
 * ```
 */
export class DotStuffStream extends TransformStream<Uint8Array, Uint8Array> {
  /** Creates the stream with a fresh encoder. */
  constructor() {
    const encoder = new DotStuffer();
    super({
      transform(chunk, controller) {
        const pieces = encoder.push(chunk);
        if (pieces.length > 0) controller.enqueue(concatBytes(pieces));
      },
      flush(controller) {
        controller.enqueue(encoder.end());
      },
    });
  }
}
