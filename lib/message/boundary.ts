/**
 * Recognising multipart boundary delimiter lines (RFC 2046 §5.1.1).
 *
 * @module
 */

const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const DASH = 45;
/** White space allowed after a delimiter before we stop believing it is one. */
const MAX_TRAILING_SPACE = 1024;

/** A delimiter of an open multipart: "--" and its boundary. */
export interface OpenDelimiter {
  /** "--" + boundary, as octets. */
  bytes: Uint8Array;
  /** Which open multipart it belongs to (the parser's stack index). */
  owner: number;
}

/** A line that is a delimiter. */
export interface DelimiterMatch {
  /** The delimiter it matched. */
  delimiter: OpenDelimiter;
  /** True for the close delimiter, "--boundary--". */
  close: boolean;
  /** Index just past the line's line break (or the end of the data). */
  lineEnd: number;
}

/** Not decidable yet: the data ends before the line does. */
export const NEED_MORE = "more" as const;

/**
 * Whether the line starting at `at` is a delimiter line of one of `open` (innermost first).
 * RFC 2046 §5.1.1: "--" boundary, "--" for the close delimiter, then only linear white space
 * to the line break; so a boundary that is a prefix of another does not match it. With
 * `final`, the end of `data` ends the line; otherwise a line that may still turn out to be a
 * delimiter answers {@linkcode NEED_MORE}.
 */
export function matchDelimiter(
  data: Uint8Array,
  at: number,
  open: readonly OpenDelimiter[],
  final: boolean,
): DelimiterMatch | typeof NEED_MORE | undefined {
  let undecided = false;
  for (const delimiter of open) {
    const verdict = matchOne(data, at, delimiter, final);
    if (verdict === NEED_MORE) undecided = true;
    else if (verdict) return verdict;
  }
  return undecided ? NEED_MORE : undefined;
}

function matchOne(
  data: Uint8Array,
  at: number,
  delimiter: OpenDelimiter,
  final: boolean,
): DelimiterMatch | typeof NEED_MORE | undefined {
  const bytes = delimiter.bytes;
  const n = data.length;
  const more = final ? undefined : NEED_MORE;
  for (let k = 0; k < bytes.length; k++) {
    if (at + k >= n) return more;
    if (data[at + k] !== bytes[k]) return undefined;
  }
  let j = at + bytes.length;
  let close = false;
  if (j < n && data[j] === DASH) {
    if (j + 1 >= n) return final ? undefined : NEED_MORE;
    if (data[j + 1] !== DASH) return undefined;
    close = true;
    j += 2;
  }
  const spaceEnd = Math.min(n, j + MAX_TRAILING_SPACE);
  while (j < spaceEnd && (data[j] === SP || data[j] === TAB)) j++;
  if (j >= n) return final ? { delimiter, close, lineEnd: n } : NEED_MORE;
  if (data[j] === LF) return { delimiter, close, lineEnd: j + 1 };
  if (data[j] !== CR) return undefined;
  if (j + 1 >= n) return final ? { delimiter, close, lineEnd: n } : NEED_MORE;
  return data[j + 1] === LF ? { delimiter, close, lineEnd: j + 2 } : undefined;
}
