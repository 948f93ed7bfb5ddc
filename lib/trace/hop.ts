/**
 * The hop model: Received fields in the order the message travelled, with the time each hop
 * took and whether it lies inside the recipient's own infrastructure.
 *
 * @module
 */

import type { Received } from "./received.ts";

/** One hop: one Received field, in travel order. */
export interface Hop {
  /** 1 for the first hop (the bottom Received field). */
  index: number;
  /** The parsed Received field. */
  received: Received;
  /** The field's position among all header fields (0 is the top). */
  fieldIndex: number;
  /**
   * Seconds since the previous hop with a time (for the first hop: since the Date field);
   * negative means the clocks disagree (skew), not time travel. Absent when unknown.
   */
  delaySeconds?: number;
  /** Whether the hop is inside the recipient's own infrastructure (see `trustZone`). */
  trusted: boolean;
}

/** A Received field with where it stood in the header. */
export interface PlacedReceived {
  /** The parsed field. */
  received: Received;
  /** Its position among all header fields (0 is the top). */
  fieldIndex: number;
}

/**
 * Orders Received fields into hops: RFC 5321 §4.4 says each host prepends its field, so the
 * bottom one is the first hop. Delays run from `date` (the Date field) to the first hop, then
 * from hop to hop.
 *
 * @example
 * ```ts
 * const hops = buildHops([], undefined, 0);
 * hops.length; // 0
 * ```
 *
 * @param topFirst the fields as they appear, top first
 * @param firstTrusted the travel-order index of the first trusted hop
 */
export function buildHops(
  topFirst: readonly PlacedReceived[],
  date: Date | undefined,
  firstTrusted: number,
): Hop[] {
  let previous = date?.getTime();
  return topFirst.toReversed().map((placed, i) => {
    const time = placed.received.time?.getTime();
    const hop: Hop = {
      index: i + 1,
      received: placed.received,
      fieldIndex: placed.fieldIndex,
      trusted: i >= firstTrusted,
    };
    if (time !== undefined && previous !== undefined) hop.delaySeconds = (time - previous) / 1000;
    if (time !== undefined) previous = time;
    return hop;
  });
}

/**
 * Seconds from the Date field (or the first hop with a time, when there is no Date) to the
 * last hop with a time; `undefined` when fewer than two instants are known.
 */
export function totalSeconds(hops: readonly Hop[], date: Date | undefined): number | undefined {
  let first: number | undefined;
  let last: number | undefined;
  let count = 0;
  for (const hop of hops) {
    const time = hop.received.time?.getTime();
    if (time === undefined) continue;
    first ??= time;
    last = time;
    count++;
  }
  const start = date?.getTime() ?? first;
  if (start === undefined || last === undefined || (date === undefined && count < 2)) {
    return undefined;
  }
  return (last - start) / 1000;
}
