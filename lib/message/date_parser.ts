/**
 * Parsing the RFC 5322 §3.3 date-time of a Date field into an instant, obsolete forms of
 * §4.3 included. The text is read code by code in few functions (calls cost more than the
 * reading): Received fields carry one date-time each, a trace parses tens of thousands.
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
const MS_PER_MINUTE = 60_000;

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
export function parseDate(value: string): Date | undefined {
  const text = value.includes("(") ? value.replace(COMMENT, " ") : value;
  let pos = 0;
  let code = text.charCodeAt(0);
  while (isSpace(code)) code = text.charCodeAt(++pos);
  // RFC 5322 §3.3: date-time = [ day-of-week "," ] date time; §4.3 lets the comma go.
  if (isLetter(code)) {
    do code = text.charCodeAt(++pos); while (isLetter(code));
    while (isSpace(code)) code = text.charCodeAt(++pos);
    if (code === COMMA) code = text.charCodeAt(++pos);
    while (isSpace(code)) code = text.charCodeAt(++pos);
  }
  // date = day month year; §4.3 obs-date allows "-" between them (RFC 850 style).
  const dayStart = pos;
  let day = 0;
  for (; pos - dayStart < 2 && isDigit(code); code = text.charCodeAt(++pos)) {
    day = day * 10 + code - 48;
  }
  if (pos === dayStart || isDigit(code)) return undefined;
  pos = skipSeparator(text, pos);
  const monthStart = pos;
  for (code = text.charCodeAt(pos); isLetter(code); code = text.charCodeAt(++pos));
  if (pos - monthStart < 3) return undefined;
  const month = MONTH_KEYS.indexOf(letterKey(text, monthStart));
  pos = skipSeparator(text, pos);
  const yearStart = pos;
  let year = 0;
  for (
    code = text.charCodeAt(pos);
    pos - yearStart < 4 && isDigit(code);
    code = text.charCodeAt(++pos)
  ) {
    year = year * 10 + code - 48;
  }
  const digits = pos - yearStart;
  if (digits < 2 || !isSpace(code) || month < 0 || day < 1 || day > 31) return undefined;
  // RFC 5322 §4.3: a two-digit year below 50 is 20xx, otherwise 19xx; three digits add 1900.
  if (digits === 2) year += year < 50 ? 2000 : 1900;
  else if (digits === 3) year += 1900;
  const time = timeOfDay(text, pos);
  // Date.UTC maps years 0–99 (a four-digit "0026") to 19xx, as it always did here.
  return Number.isNaN(time) ? undefined : new Date(Date.UTC(year, month, day) + time);
}

/**
 * RFC 5322 §3.3: time = hour ":" minute [ ":" second ] zone, read from `start`: milliseconds
 * since midnight UTC of the day (the zone's offset taken off), NaN when it is no time.
 */
function timeOfDay(text: string, start: number): number {
  const parts = [0, 0, 0]; // hour, minute, second
  let pos = skipSpace(text, start);
  let end = pos; // after the last part read: the zone follows
  for (let part = 0; part < 3; part++) {
    if (part > 0) {
      const colon = skipSpace(text, pos);
      // Seconds are optional; without them, the zone follows the minute.
      if (text.charCodeAt(colon) !== COLON) return part === 1 ? NaN : zoned(parts, text, end);
      pos = skipSpace(text, colon + 1);
    }
    const digitsStart = pos;
    let code = text.charCodeAt(pos);
    for (; pos - digitsStart < 2 && isDigit(code); code = text.charCodeAt(++pos)) {
      parts[part] = parts[part] * 10 + code - 48;
    }
    // The hour has one or two digits, no more; the minute and second stop after two.
    if (pos === digitsStart || (part === 0 && isDigit(code))) {
      return part < 2 ? NaN : zoned(parts, text, end);
    }
    end = pos;
  }
  return zoned(parts, text, end);
}

/** The time of `parts` (hour, minute, second) less the zone at `pos`, or NaN out of range. */
function zoned(parts: number[], text: string, pos: number): number {
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 60) return NaN;
  // RFC 5322 §3.3: a leap second (60) is read as the second before it.
  const local = ((parts[0] * 60 + parts[1]) * 60 + Math.min(parts[2], 59)) * 1000;
  return local - zoneOffset(text, skipSpace(text, pos)) * MS_PER_MINUTE;
}

/** The zone at `pos`, "+hhmm" / "-hhmm" or an obsolete name, in minutes east of UTC (0 if none). */
function zoneOffset(text: string, pos: number): number {
  const sign = text.charCodeAt(pos);
  if (sign === PLUS || sign === HYPHEN) {
    let hhmm = 0;
    for (let i = pos + 1; i < pos + 5; i++) {
      const code = text.charCodeAt(i);
      if (!isDigit(code)) return 0;
      hhmm = hhmm * 10 + code - 48;
    }
    const minutes = Math.floor(hhmm / 100) * 60 + hhmm % 100;
    return sign === HYPHEN ? -minutes : minutes;
  }
  let end = pos;
  while (isLetter(text.charCodeAt(end))) end++;
  return end === pos ? 0 : ZONES.get(text.slice(pos, end).toLowerCase()) ?? 0;
}

/** Past white space and one "-" in it (between date parts). */
function skipSeparator(text: string, pos: number): number {
  const hyphen = skipSpace(text, pos);
  return skipSpace(text, text.charCodeAt(hyphen) === HYPHEN ? hyphen + 1 : hyphen);
}

function skipSpace(text: string, pos: number): number {
  while (isSpace(text.charCodeAt(pos))) pos++;
  return pos;
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
  return code === 32 || (code >= 9 && code <= 13) || (code >= 0xa0 && isWideSpace(code));
}

/** The white space of {@link isSpace} above US-ASCII. */
function isWideSpace(code: number): boolean {
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f ||
    code === 0x3000 || code === 0xfeff;
}
