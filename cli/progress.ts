/**
 * A one-line progress bar on stderr for `postie parse` reading a large mbox: octets read of the
 * file's size, percent and messages so far, redrawn in place with `\r` a few times a second.
 *
 * @module
 */

/** How often the bar may be redrawn: at most ten times a second. */
export const PROGRESS_INTERVAL_MS = 100;

/** The width assumed when the terminal does not report one. */
const DEFAULT_COLUMNS = 80;

/** The narrowest bar worth drawing; below it the line shows the figures only. */
const MIN_BAR = 10;

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * The bar's text for `bytes` of `total` octets read and `messages` seen, in fewer than `width`
 * columns (the last column is left free so the terminal never wraps).
 *
 * @example
 * ```ts
 * renderProgress(512, 1024, 3, 50); // "[#########          ]  50% 0.5/1.0 KiB 3 messages"
 * ```
 */
export function renderProgress(bytes: number, total: number, messages: number, width: number) {
  const done = total <= 0 ? 1 : Math.min(Math.max(bytes / total, 0), 1);
  const percent = `${Math.floor(done * 100)}%`.padStart(4);
  const noun = messages === 1 ? "message" : "messages";
  const figures = `${percent} ${sizes(Math.min(bytes, total), total)} ${messages} ${noun}`;
  const room = width - 1 - figures.length - 3;
  if (room < MIN_BAR) return figures.trimStart().slice(0, Math.max(width - 1, 0));
  const filled = Math.floor(done * room);
  return `[${"#".repeat(filled)}${" ".repeat(room - filled)}] ${figures}`;
}

/** "read/total unit", both in the unit that suits `total`. */
function sizes(bytes: number, total: number): string {
  const [unit, name] = total >= GIB
    ? [GIB, "GiB"]
    : total >= MIB
    ? [MIB, "MiB"]
    : total >= KIB
    ? [KIB, "KiB"]
    : [1, "B"];
  const digits = unit === 1 ? 0 : 1;
  return `${(bytes / unit).toFixed(digits)}/${(total / unit).toFixed(digits)} ${name}`;
}

/**
 * Says when enough time has passed to act again: the first call always, then once per interval.
 *
 * @example
 * ```ts
 * const throttle = new Throttle(100);
 * throttle.ready(0); // true
 * throttle.ready(50); // false
 * throttle.ready(100); // true
 * ```
 */
export class Throttle {
  #next = -Infinity;

  /** A throttle that is ready once every `intervalMs` milliseconds. */
  constructor(readonly intervalMs: number = PROGRESS_INTERVAL_MS) {}

  /** Whether to act at `now` (milliseconds); when it says yes, the next interval starts. */
  ready(now: number): boolean {
    if (now < this.#next) return false;
    this.#next = now + this.intervalMs;
    return true;
  }
}

/** Where the bar is drawn: a terminal stream such as `Deno.stderr`. */
export interface ProgressStream {
  writeSync(bytes: Uint8Array): number;
}

const encoder = new TextEncoder();
/** Carriage return, then erase to the end of the line (as `postie mx --file` does). */
const CLEAR = "\r\x1b[K";

/**
 * A progress bar drawn on one terminal line, throttled, and cleared before other output. Make one
 * only when the stream is a terminal, so pipes and files never see it.
 *
 * @example
 * ```ts
 * const bar = Deno.stderr.isTerminal() ? new ProgressBar(Deno.stderr) : undefined;
 * bar?.update(4096, 8192, 2);
 * bar?.clear();
 * ```
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #columns: number;
  readonly #throttle: Throttle;
  #shown = false;

  /** A bar on `stream`, `columns` wide (the terminal's width, else 80). */
  constructor(stream: ProgressStream, columns = terminalColumns(), throttle = new Throttle()) {
    this.#stream = stream;
    this.#columns = columns;
    this.#throttle = throttle;
  }

  /** Redraws the bar, unless it was drawn less than an interval ago. */
  update(bytes: number, total: number, messages: number, now = performance.now()): void {
    if (!this.#throttle.ready(now)) return;
    this.#write(`${CLEAR}${renderProgress(bytes, total, messages, this.#columns)}`);
    this.#shown = true;
  }

  /** Erases the bar if it is shown, so the next output starts on a clean line. */
  clear(): void {
    if (!this.#shown) return;
    this.#write(CLEAR);
    this.#shown = false;
  }

  #write(text: string): void {
    const bytes = encoder.encode(text);
    for (let at = 0; at < bytes.length;) at += this.#stream.writeSync(bytes.subarray(at));
  }
}

/** The terminal's width in columns, or 80 when it reports none. */
function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || DEFAULT_COLUMNS;
  } catch {
    return DEFAULT_COLUMNS;
  }
}
