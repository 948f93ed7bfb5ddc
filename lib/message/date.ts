const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Formats an instant as an RFC 5322 §3.3 date-time in the local zone of the process,
 * e.g. `Tue, 24 Nov 2026 03:22:55 +0000`.
 *
 * @example
 * ```ts
 * formatDate(new Date(0), 0); // "Thu, 01 Jan 1970 00:00:00 +0000"
 * ```
 *
 * @param offsetMinutes the zone's offset east of UTC; defaults to the local zone's
 */
export function formatDate(date: Date, offsetMinutes = -date.getTimezoneOffset()): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const two = (n: number) => n.toString().padStart(2, "0");
  const sign = offsetMinutes < 0 ? "-" : "+";
  const zone = `${sign}${two(Math.floor(Math.abs(offsetMinutes) / 60))}${
    two(Math.abs(offsetMinutes) % 60)
  }`;
  return `${DAYS[local.getUTCDay()]}, ${two(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ` +
    `${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:` +
    `${two(local.getUTCSeconds())} ${zone}`;
}
