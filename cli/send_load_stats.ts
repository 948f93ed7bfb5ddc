/**
 * Load mode's figures: each message's latency (MAIL sent to the final reply) in one
 * preallocated array, failures counted by reply code, and the summary with messages per
 * second and latency percentiles.
 *
 * @module
 */

/** Latency figures of a load run, in milliseconds. */
export interface LatencySummary {
  /** Median (50th percentile). */
  p50: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** The slowest message. */
  max: number;
  /** The mean. */
  mean: number;
}

/** What a load run did. */
export interface LoadSummary {
  /** Messages attempted: N. */
  messages: number;
  /** Messages accepted for every recipient. */
  accepted: number;
  /** Messages not accepted. */
  failed: number;
  /** Failed messages by reply code (`"550"`), or `"connection"` when the link failed. */
  failures: Record<string, number>;
  /** Wall-clock seconds from the first connection to the last reply. */
  seconds: number;
  /** Messages accepted per second. */
  messagesPerSecond: number;
  /** Latency of the messages that got a final reply; null when none did. */
  latencyMs: LatencySummary | null;
}

/**
 * The `p`th percentile (0 < p ≤ 100) of `sorted` (ascending), by the nearest-rank method: the
 * smallest value at least p% of the values are less than or equal to. NaN when empty.
 *
 * @example
 * ```ts
 * percentile(Float64Array.of(1, 2, 3, 4), 50); // 2
 * percentile(Float64Array.of(1, 2, 3, 4), 99); // 4
 * ```
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

/**
 * Collects a load run's outcomes without allocating per message: latencies go into a
 * `Float64Array` of N, failures into a count per key.
 *
 * @example
 * ```ts
 * const stats = new LoadStats(3);
 * stats.accept(1.5);
 * stats.accept(2.5);
 * stats.fail("550", 0.7);
 * stats.summary(1).failures; // { "550": 1 }
 * ```
 */
export class LoadStats {
  readonly #latencies: Float64Array;
  #timed = 0;
  /** Messages accepted so far. */
  accepted = 0;
  /** Failed messages by reply code or `"connection"`. */
  readonly failures = new Map<string, number>();

  /** Room for `messages` latencies. */
  constructor(readonly messages: number) {
    this.#latencies = new Float64Array(messages);
  }

  /** Messages with an outcome so far. */
  get done(): number {
    return this.accepted + this.failed;
  }

  /** Messages that failed so far. */
  get failed(): number {
    let sum = 0;
    for (const count of this.failures.values()) sum += count;
    return sum;
  }

  /** A message accepted after `latencyMs`. */
  accept(latencyMs: number): void {
    this.accepted++;
    this.#record(latencyMs);
  }

  /** A message that failed (`key`: reply code or "connection"), after `latencyMs` if timed. */
  fail(key: string, latencyMs?: number): void {
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    if (latencyMs !== undefined) this.#record(latencyMs);
  }

  /** The summary, for a run that took `seconds`. */
  summary(seconds: number): LoadSummary {
    const sorted = this.#latencies.subarray(0, this.#timed).sort();
    let total = 0;
    for (const value of sorted) total += value;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      messages: this.messages,
      accepted: this.accepted,
      failed: this.failed,
      failures: Object.fromEntries(this.failures),
      seconds: round(seconds),
      messagesPerSecond: seconds > 0 ? Math.round(this.accepted / seconds) : 0,
      latencyMs: sorted.length === 0 ? null : {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted[sorted.length - 1]),
        mean: round(total / sorted.length),
      },
    };
  }

  #record(latencyMs: number): void {
    if (this.#timed < this.#latencies.length) this.#latencies[this.#timed++] = latencyMs;
  }
}
