/**
 * The first lines of message content as the transcript shows them: decoded only while lines
 * are still to be shown, so a long message costs one `indexOf` per chunk until then and
 * nothing after.
 *
 * @module
 */

const LF = 0x0a;
const CR = 0x0d;

/**
 * Collects the first `limit` lines of the content passed through {@linkcode push}, calling
 * `emit` with each (without its line end); then stops looking.
 *
 * @example
 * ```ts
 * import { ContentEcho } from "./content_echo.ts";
 * const lines: string[] = [];
 * const echo = new ContentEcho(2, (line) => lines.push(line));
 * echo.push(new TextEncoder().encode("Subject: hi\r\n\r\nbody\r\n"));
 * echo.finish(); // lines: ["Subject: hi", ""]; echo.elided: true
 * ```
 */
export class ContentEcho {
  /** True when lines past the limit went unshown. */
  elided = false;
  #shown = 0;
  #partial: Uint8Array[] = [];
  readonly #decoder = new TextDecoder();

  /** Shows up to `limit` lines through `emit`. */
  constructor(readonly limit: number, readonly emit: (line: string) => void) {}

  /** Looks at the next piece of content (not kept, not changed). */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (this.#shown < this.limit) {
      const end = chunk.indexOf(LF, at);
      if (end < 0) {
        if (at < chunk.length) this.#partial.push(chunk.slice(at));
        return;
      }
      this.#line(chunk.subarray(at, end));
      at = end + 1;
    }
    if (at < chunk.length) this.elided = true;
  }

  /** Shows an unfinished last line, if it is still within the limit. */
  finish(): void {
    if (this.#partial.length === 0) return;
    if (this.#shown < this.limit) this.#line(new Uint8Array());
    else this.elided = true;
  }

  #line(tail: Uint8Array): void {
    const parts = [...this.#partial, tail];
    this.#partial = [];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    const end = bytes.at(-1) === CR ? bytes.length - 1 : bytes.length;
    this.emit(this.#decoder.decode(bytes.subarray(0, end)));
    this.#shown++;
  }
}
