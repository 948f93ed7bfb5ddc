/**
 * Parsing the RFC 5322 §3.3 date-time of a Date field into an instant, obsolete forms of
 * §4.3 included.
 *
 * @module
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

// RFC 5322 §4.3 obs-zone: the US zones by name; UT, GMT and military letters count as +0000.
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

// [day-of-week ","] day month year hour ":" minute [":" second] [zone]
const DATE_TIME =
  /^(?:[a-z]+\s*,?\s*)?(\d{1,2})\s*-?\s*([a-z]{3})[a-z]*\s*-?\s*(\d{2,4})\s+(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?(?:\s*([+-]\d{4}|[a-z]+))?/i;

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
  const match = DATE_TIME.exec(text.replace(/\([^()]*\)/g, " ").trim());
  if (!match) return undefined;
  const [, day, monthName, yearText, hour, minute, second = "0", zone = "+0000"] = match;
  const month = MONTHS.indexOf(monthName.toLowerCase());
  let year = Number(yearText);
  // RFC 5322 §4.3: a two-digit year below 50 is 20xx, otherwise 19xx; three digits add 1900.
  if (yearText.length === 2) year += year < 50 ? 2000 : 1900;
  else if (yearText.length === 3) year += 1900;
  const offset = zoneOffset(zone);
  const fields = [Number(day), Number(hour), Number(minute), Number(second)];
  if (month < 0 || fields[0] < 1 || fields[0] > 31 || fields[1] > 23 || fields[2] > 59) {
    return undefined;
  }
  if (fields[3] > 60) return undefined;
  const utc = Date.UTC(year, month, fields[0], fields[1], fields[2], Math.min(fields[3], 59));
  return new Date(utc - offset * 60_000);
}

/** Minutes east of UTC for a zone: "+hhmm" / "-hhmm" or an obsolete name. */
function zoneOffset(zone: string): number {
  if (/^[+-]\d{4}$/.test(zone)) {
    const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3));
    return zone[0] === "-" ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()] ?? 0;
}
