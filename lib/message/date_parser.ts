/**
 * Parsing the RFC 5322 §3.3 date-time of a Date field into an instant, obsolete forms of
 * §4.3 included. The text is read code by code, positions passed from step to step: Received
 * fields carry one date-time each, so a trace parses tens of thousands of them.
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
  // RFC 5322 §3.3: date-time = [ day-of-week "," ] date time; §4.3 lets the comma go.
  let pos = skipSpace(text, 0);
  const dayName = skipLetters(text, pos);
  if (dayName > pos) pos = skipSpace(text, skipComma(text, skipSpace(text, dayName)));
  // date = day month year; §4.3 obs-date allows "-" between them (RFC 850 style).
  const dayEnd = digitsEnd(text, pos, 2);
  if (dayEnd === pos || isDigit(text.charCodeAt(dayEnd))) return undefined;
  const day = decimal(text, pos, dayEnd);
  const monthStart = skipSeparator(text, dayEnd);
  const monthEnd = skipLetters(text, monthStart);
  if (monthEnd - monthStart < 3) return undefined;
  const month = MONTH_KEYS.indexOf(letterKey(text, monthStart));
  pos = skipSeparator(text, monthEnd);
  const yearEnd = digitsEnd(text, pos, 4);
  if (yearEnd - pos < 2 || isDigit(text.charCodeAt(yearEnd))) return undefined;
  const year = fullYear(decimal(text, pos, yearEnd), yearEnd - pos);
  const timeStart = skipSpace(text, yearEnd);
  if (timeStart === yearEnd || month < 0 || day < 1 || day > 31) return undefined;
  const time = timeOfDay(text, timeStart);
  // Date.UTC as before the split: years 0–99 of four digits ("0026") are 19xx there.
  return Number.isNaN(time) ? undefined : new Date(Date.UTC(year, month, day) + time);
}

/**
 * RFC 5322 §3.3: time = hour ":" minute [ ":" second ] zone, read from `pos`: milliseconds
 * since midnight UTC of the day (the zone's offset taken off), NaN when it is no time.
 */
function timeOfDay(text: string, pos: number): number {
  const hourEnd = digitsEnd(text, pos, 2);
  if (hourEnd === pos || isDigit(text.charCodeAt(hourEnd))) return NaN;
  const hour = decimal(text, pos, hourEnd);
  const colon = skipSpace(text, hourEnd);
  if (text.charCodeAt(colon) !== COLON) return NaN;
  const minuteStart = skipSpace(text, colon + 1);
  const minuteEnd = digitsEnd(text, minuteStart, 2);
  if (minuteEnd === minuteStart) return NaN;
  const minute = decimal(text, minuteStart, minuteEnd);
  // Seconds are optional; without them, the zone follows the minute.
  let end = minuteEnd;
  let second = 0;
  const secondColon = skipSpace(text, minuteEnd);
  if (text.charCodeAt(secondColon) === COLON) {
    const secondStart = skipSpace(text, secondColon + 1);
    const secondEnd = digitsEnd(text, secondStart, 2);
    if (secondEnd > secondStart) {
      second = decimal(text, secondStart, secondEnd);
      end = secondEnd;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return NaN;
  // RFC 5322 §3.3: a leap second (60) is read as the second before it.
  const local = ((hour * 60 + minute) * 60 + Math.min(second, 59)) * 1000;
  return local - zoneOffset(text, skipSpace(text, end)) * MS_PER_MINUTE;
}

/** RFC 5322 §4.3: a two-digit year below 50 is 20xx, otherwise 19xx; three digits add 1900. */
function fullYear(year: number, digits: number): number {
  if (digits === 2) return year + (year < 50 ? 2000 : 1900);
  return digits === 3 ? year + 1900 : year;
}

/** The zone at `pos`, "+hhmm" / "-hhmm" or an obsolete name, in minutes east of UTC (0 if none). */
function zoneOffset(text: string, pos: number): number {
  const sign = text.charCodeAt(pos);
  if (sign === PLUS || sign === HYPHEN) {
    if (digitsEnd(text, pos + 1, 4) !== pos + 5) return 0;
    const minutes = decimal(text, pos + 1, pos + 3) * 60 + decimal(text, pos + 3, pos + 5);
    return sign === HYPHEN ? -minutes : minutes;
  }
  const end = skipLetters(text, pos);
  return end === pos ? 0 : ZONES.get(text.slice(pos, end).toLowerCase()) ?? 0;
}

/** Where a run of at most `max` digits from `pos` ends. */
function digitsEnd(text: string, pos: number, max: number): number {
  let end = pos;
  while (end - pos < max && isDigit(text.charCodeAt(end))) end++;
  return end;
}

/** The decimal value of the digits `text[start, end)`. */
function decimal(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** Past white space and one "-" in it (between date parts). */
function skipSeparator(text: string, pos: number): number {
  const hyphen = skipSpace(text, pos);
  return skipSpace(text, text.charCodeAt(hyphen) === HYPHEN ? hyphen + 1 : hyphen);
}

function skipComma(text: string, pos: number): number {
  return text.charCodeAt(pos) === COMMA ? pos + 1 : pos;
}

function skipLetters(text: string, pos: number): number {
  while (isLetter(text.charCodeAt(pos))) pos++;
  return pos;
}

function skipSpace(text: string, pos: number): number {
  let code = text.charCodeAt(pos);
  while (code === 32 || (code >= 9 && code <= 13) || (code >= 0xa0 && isWideSpace(code))) {
    code = text.charCodeAt(++pos);
  }
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

/** ECMAScript white space and line terminators above US-ASCII (`\s` and `trim` know them). */
function isWideSpace(code: number): boolean {
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f ||
    code === 0x3000 || code === 0xfeff;
}
