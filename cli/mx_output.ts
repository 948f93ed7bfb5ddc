/**
 * The lines of `postie mx --file`, written to stdout in batches (one write per 32 KiB or per
 * 50 ms, not one per domain), with a count of finished domains on stderr when it is a
 * terminal, redrawn at most ten times a second and kept below the output.
 *
 * @module
 */

import { type ProgressStream, Throttle } from "./progress.ts";

/** Characters gathered before a write. */
const BATCH_CHARS = 32 * 1024;
/** The longest a finished line waits to be written, ms. */
const BATCH_MS = 50;
/** Carriage return, then erase to the end of the line. */
const CLEAR = "\r\x1b[K";

const encoder = new TextEncoder();

/**
 * Batched line output with an optional progress count.
 *
 * @example
 * ```ts
 * const output = new LineBatcher(Deno.stdout, Deno.stderr.isTerminal() ? Deno.stderr : undefined);
 * output.line('{"input":"example.com"}');
 * output.close();
 * ```
 */
export class LineBatcher {
  readonly #out: ProgressStream;
  readonly #progress: ProgressStream | undefined;
  readonly #throttle = new Throttle();
  readonly #started = performance.now();
  #lines: string[] = [];
  #chars = 0;
  #done = 0;
  #shown = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Lines go to `out`; the count of lines so far to `progress`, when given. */
  constructor(out: ProgressStream, progress?: ProgressStream) {
    this.#out = out;
    this.#progress = progress;
  }

  /** Queues one line (without its newline). */
  line(text: string): void {
    this.#lines.push(text);
    this.#chars += text.length + 1;
    this.#done++;
    if (this.#chars >= BATCH_CHARS) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), BATCH_MS);
    if (this.#progress && this.#throttle.ready(performance.now())) this.#drawCount();
  }

  /** Writes the queued lines now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const text = this.#lines.join("\n") + "\n";
    this.#lines = [];
    this.#chars = 0;
    this.#clearCount();
    writeAll(this.#out, encoder.encode(text));
  }

  /** Writes what is queued and erases the count. */
  close(): void {
    this.flush();
    this.#clearCount();
  }

  #drawCount(): void {
    const rate = this.#done / ((performance.now() - this.#started) / 1000);
    writeAll(
      this.#progress!,
      encoder.encode(
        `${CLEAR}[${this.#done} domain${this.#done === 1 ? "" : "s"}, ${rate.toFixed(0)}/s]`,
      ),
    );
    this.#shown = true;
  }

  #clearCount(): void {
    if (!this.#shown) return;
    writeAll(this.#progress!, encoder.encode(CLEAR));
    this.#shown = false;
  }
}

/** Writes all of `bytes`; when the reader has gone (`postie mx --file … | head`), nothing, as
 * console.log does. */
function writeAll(stream: ProgressStream, bytes: Uint8Array): void {
  try {
    for (let at = 0; at < bytes.length;) at += stream.writeSync(bytes.subarray(at));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}
