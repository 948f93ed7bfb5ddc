/**
 * Durations as people read them in a trace: `4s`, `2m 05s`, `1h 03m`, `3d 2h`.
 *
 * @module
 */

/**
 * Formats seconds compactly, with a minus sign for negative values (clock skew).
 *
 * @example
 * ```ts
 * formatDuration(125);  // "2m 05s"
 * formatDuration(-12);  // "-12s"
 * ```
 */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const whole = Math.round(Math.abs(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  const d = Math.floor(whole / 86400);
  const h = Math.floor(whole / 3600) % 24;
  const m = Math.floor(whole / 60) % 60;
  const s = whole % 60;
  if (d > 0) return `${sign}${d}d ${h}h`;
  if (h > 0) return `${sign}${h}h ${two(m)}m`;
  if (m > 0) return `${sign}${m}m ${two(s)}s`;
  return `${sign}${s}s`;
}
