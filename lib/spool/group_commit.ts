/**
 * Group commit: items added while a batch is being written wait and go together in the next
 * batch, so one write (and one fsync) serves every caller that arrived meanwhile.
 *
 * @module
 */

/**
 * A queue of items written in batches by `commit`, one batch at a time. `commit` reports each
 * item's outcome itself (e.g. by resolving or rejecting its promise) and must not throw.
 *
 * @example
 * ```ts
 * import { GroupCommit } from "./group_commit.ts";
 * const lines = new GroupCommit<string>(async (batch) => console.log(batch.join("")));
 * lines.add("a\n");
 * lines.add("b\n"); // written with "a\n" or in the batch after it
 * await lines.settled();
 * ```
 */
export class GroupCommit<T> {
  #pending: T[] = [];
  #running: Promise<void> | undefined;
  /** How many items the last batch carried: more than one means writers are concurrent. */
  #lastBatchSize = 0;

  /**
   * A queue whose batches `commit` writes.
   *
   * @param commit writes one batch, in the order the items were added
   * @param waitMs how long the first item of a batch waits for others (0: the batch starts now)
   * @param waitWhen "always", or "concurrent": wait only when the last batch carried more than
   *   one item, so a lone writer never waits, and concurrent ones share fewer, larger commits
   */
  constructor(
    readonly commit: (batch: T[]) => Promise<void>,
    readonly waitMs = 0,
    readonly waitWhen: "always" | "concurrent" = "always",
  ) {}

  /** Queues an item for the running batch's successor, or starts a batch. */
  add(item: T): void {
    this.#pending.push(item);
    this.#running ??= this.#shouldWait()
      ? new Promise((wake) => setTimeout(wake, this.waitMs)).then(() => this.#drain())
      : this.#drain();
  }

  /** Resolves once every item added so far (and any added meanwhile) is committed. */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #shouldWait(): boolean {
    return this.waitMs > 0 && (this.waitWhen === "always" || this.#lastBatchSize > 1);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        this.#lastBatchSize = batch.length;
        await this.commit(batch);
      }
    } finally {
      this.#running = undefined;
    }
  }
}
