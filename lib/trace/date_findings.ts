/**
 * Checks of the Date field against the hops: missing, in the future, far from the first hop.
 *
 * @module
 */

import { formatDuration } from "./duration.ts";
import type { TraceContext, TraceFinding } from "./finding.ts";

/** Clocks may disagree this much before a Date after the first hop counts as in the future. */
export const CLOCK_TOLERANCE_SECONDS = 300;
/** A Date further than this before the first hop is far from it. */
export const DATE_DRIFT_SECONDS = 3600;

/**
 * RFC 5322 §3.6.1: the Date field is the moment the message was ready to go; the first hop
 * should follow it closely, and no Date lies after its own delivery or after now.
 */
export function checkDate({ hops, date, now }: TraceContext): TraceFinding[] {
  if (date === undefined) {
    return [{ severity: "warning", code: "no-date", message: "no valid Date field" }];
  }
  const ahead = (date.getTime() - now.getTime()) / 1000;
  if (ahead > CLOCK_TOLERANCE_SECONDS) {
    const message = `Date is ${formatDuration(ahead)} in the future`;
    return [{ severity: "warning", code: "date-in-future", message }];
  }
  const first = hops.find((hop) => hop.received.time !== undefined);
  if (!first) return [];
  const gap = (first.received.time!.getTime() - date.getTime()) / 1000;
  if (gap < -CLOCK_TOLERANCE_SECONDS) {
    const message = `Date is ${formatDuration(-gap)} after hop ${first.index} received the message`;
    return [{ severity: "warning", code: "date-in-future", message, hop: first.index }];
  }
  if (gap <= DATE_DRIFT_SECONDS) return [];
  const message = `Date is ${formatDuration(gap)} before hop ${first.index} received the message`;
  return [{ severity: "warning", code: "date-far", message, hop: first.index }];
}
