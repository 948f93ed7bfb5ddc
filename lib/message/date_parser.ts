/**
 * Parsing the RFC 5322 §3.3 date-time of a Date field into an instant, obsolete forms of
 * §4.3 included. A cursor reads the text code by code: Received fields carry one date-time
 * each, so a trace parses tens of thousands of them.
 *
 * @module
 */

// "jan" … "dec" as three lower-case letter codes in one number (see `letterKey`).
const MONTH_KEYS = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
]
  .map((name) => letterKey(name, 0));

// RFC 5322 §4.3 obs-zone: the US zones by name; UT, GMT and military letters count as +0000.
const ZONES = new Map<string, number>([
  ["ut", 0],
  ["utc", 0],
  ["gmt", 0],
  ["z", 0],
  ["est", -300],
  ["edt", -240],
  ["cst", -360],
  ["cdt", -300],
  ["mst", -420],
  ["mdt", -360],
  ["pst", -480],
  ["pdt", -420],
]);

// RFC 5322 §3.2.2: a comment (innermost, not nested) stands where white space may.
const COMMENT = /\([^()]*\)/g;

const COLON = 58;
const COMMA = 44;
const HYPHEN = 45;
const PLUS = 43;

/**
 * Reads a Date field value as an instant; `undefined` when it is not a date-time.
 * Two-digit years follow RFC 5322 §4.3 (below 50 is 20xx), a missing or unknown zone is
 * taken as +0000 (RFC 5322 §4.3: "-0000" for unknown zones).
 *
 * @example
 * ```ts
 * parseDate("Thu, 13 Feb 1969 23:32:54 -0330")?.toISOString(); // "1969-02-14T03:02:54.000Z"
 * ```
 */
export function parseDate(text: string): Date | undefined {
  const at = new DateCursor(text.includes("(") ? text.replace(COMMENT, " ") : text);
  // RFC 5322 §3.3: date-time = [ day-of-week "," ] date time [CFWS]; §4.3 lets the comma go.
  at.space();
  if (at.letters() > 0) {
    at.space();
    at.take(COMMA);
    at.space();
  }
  // date = day month year; §4.3 obs-date allows "-" between them (RFC 850 style).
  const day = at.number(1, 2, true);
  at.separator();
  const month = at.month();
  at.separator();
  let year = at.number(2, 4, true);
  const yearDigits = at.digits;
  if (day < 0 || month < 0 || year < 0 || at.space() === 0) return undefined;
  const hour = at.number(1, 2, true);
  at.space();
  if (hour < 0 || !at.take(COLON)) return undefined;
  at.space();
  const minute = at.number(1, 2, false);
  const second = at.seconds();
  const offset = at.zone();
  // RFC 5322 §4.3: a two-digit year below 50 is 20xx, otherwise 19xx; three digits add 1900.
  if (yearDigits === 2) year += year < 50 ? 2000 : 1900;
  else if (yearDigits === 3) year += 1900;
  if (minute < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  return new Date(utc - offset * 60_000);
}

/** A position in date-time text; each read moves past what it matched. */
class DateCursor {
  /** Where the next read starts. */
  pos = 0;
  /** How many digits the last {@link number} read. */
  digits = 0;

  constructor(readonly text: string) {}

  /** Skips white space; returns how much. */
  space(): number {
    const start = this.pos;
    while (isSpace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos - start;
  }

  /** Moves past `code` when it comes next. */
  take(code: number): boolean {
    if (this.text.charCodeAt(this.pos) !== code) return false;
    this.pos++;
    return true;
  }

  /** Skips "-" between date parts, with white space around it. */
  separator(): void {
    this.space();
    this.take(HYPHEN);
    this.space();
  }

  /** Skips ASCII letters; returns how many. */
  letters(): number {
    const start = this.pos;
    while (isLetter(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos - start;
  }

  /**
   * A decimal number of `min` to `max` digits, or -1. With `whole`, a longer run of digits is
   * no number; without, the digits after `max` are left unread.
   */
  number(min: number, max: number, whole: boolean): number {
    let value = 0;
    let count = 0;
    let code = this.text.charCodeAt(this.pos);
    while (count < max && isDigit(code)) {
      value = value * 10 + code - 48;
      count++;
      code = this.text.charCodeAt(this.pos + count);
    }
    if (count < min || (whole && isDigit(code))) return -1;
    this.pos += count;
    this.digits = count;
    return value;
  }

  /** A month name (its first three letters count, as in "Sept"): 0 for January, or -1. */
  month(): number {
    const start = this.pos;
    if (this.letters() < 3) return -1;
    return MONTH_KEYS.indexOf(letterKey(this.text, start));
  }

  /** Optional ":" second; 0 when absent (the position stays after the minute). */
  seconds(): number {
    const start = this.pos;
    this.space();
    if (this.take(COLON)) {
      this.space();
      const second = this.number(1, 2, false);
      if (second >= 0) return second;
    }
    this.pos = start;
    return 0;
  }

  /** Optional zone, "+hhmm" / "-hhmm" or an obsolete name, as minutes east of UTC (0 if none). */
  zone(): number {
    this.space();
    const sign = this.text.charCodeAt(this.pos);
    if (sign === PLUS || sign === HYPHEN) {
      this.pos++;
      const hours = this.number(2, 2, false);
      const minutes = this.number(2, 2, false);
      if (hours < 0 || minutes < 0) return 0;
      return (sign === HYPHEN ? -1 : 1) * (hours * 60 + minutes);
    }
    const start = this.pos;
    const length = this.letters();
    if (length === 0) return 0;
    return ZONES.get(this.text.slice(start, start + length).toLowerCase()) ?? 0;
  }
}

/** Three letters at `at` in lower case as one number (letters only: `| 0x20` lowers them). */
function letterKey(text: string, at: number): number {
  return ((text.charCodeAt(at) | 0x20) << 16) | ((text.charCodeAt(at + 1) | 0x20) << 8) |
    (text.charCodeAt(at + 2) | 0x20);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  const lower = code | 0x20;
  return lower >= 97 && lower <= 122;
}

/** ECMAScript white space and line terminators (what `\s` and `trim` know). */
function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f ||
    code === 0x3000 || code === 0xfeff;
}
