/**
 * Makes queue ids that are unique within one data directory across restarts: the millisecond
 * of creation and a counter within that millisecond, in upper-case base 36 (e.g. `MIDQ8ZK40000`).
 * They sort by acceptance time, as Postfix's long queue ids do.
 */
export class QueueIdGenerator {
  #lastMs: number;
  #counter = 0;

  /**
   * A generator whose ids all sort after `notBefore`.
   *
   * @param notBefore a time (ms since the epoch) every id made so far is older than, such as
   *   the newest modification time in the spool: after a restart with the clock set back, new
   *   ids still sort after, and never equal, the ones already on disk
   */
  constructor(notBefore = 0) {
    this.#lastMs = notBefore;
  }

  /** A new queue id. */
  next(now: number = Date.now()): string {
    // Never go back: a clock stepping backwards must not repeat an id.
    const ms = Math.max(now, this.#lastMs);
    this.#counter = ms === this.#lastMs ? this.#counter + 1 : 0;
    this.#lastMs = ms;
    return ms.toString(36).toUpperCase().padStart(9, "0") +
      this.#counter.toString(36).toUpperCase().padStart(3, "0");
  }
}
