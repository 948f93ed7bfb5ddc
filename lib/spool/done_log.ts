import { writeAll } from "../wire/write_all.ts";
import { GroupCommit } from "./group_commit.ts";

/** How long an entry may wait for others to share its write. */
const BATCH_WAIT_MS = 10;

/**
 * The spool's done log: one JSON line per message whose delivery is finished, with its envelope,
 * so the queue and the web inbox can still find a message's envelope by queue id after its
 * segment is gone. Writes are batched; `sync` makes them durable, which the spool does before
 * removing a segment (until then, a lost line only means a delivery is checked again).
 */
export class DoneLog {
  /** The queue ids the log held when opened, for recovery; forgotten after it. */
  #recovered: Set<string>;
  #file: Deno.FsFile;
  // Wait a moment so that deliveries finishing close together share one write: a write to
  // this growing file blocked the calling thread ~120 µs, once per message when unbatched.
  readonly #entries = new GroupCommit<PendingEntry>((batch) => this.#write(batch), BATCH_WAIT_MS);
  /** The file may end in a torn line (a crash, a failed write): the next write ends it first. */
  #tornTail: boolean;

  private constructor(file: Deno.FsFile, done: Set<string>, tornTail: boolean) {
    this.#file = file;
    this.#recovered = done;
    this.#tornTail = tornTail;
  }

  /** Opens the log at `path`, creating it, and reads which queue ids are done. */
  static async open(path: string): Promise<DoneLog> {
    const done = new Set<string>();
    const text = await Deno.readTextFile(path).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return "";
      throw error;
    });
    for (const line of text.split("\n")) {
      // A torn last line (a crash mid-write) is simply not done yet.
      const id = /^\{"id":"([0-9A-Z]+)"/.exec(line)?.[1];
      if (id && line.endsWith("}")) done.add(id);
    }
    const file = await Deno.open(path, { append: true, create: true });
    return new DoneLog(file, done, text.length > 0 && !text.endsWith("\n"));
  }

  /**
   * Whether the message with this queue id was recorded as done when the log was opened (what
   * recovery asks). Entries appended since are not remembered: a server running for months
   * would otherwise hold every queue id it ever delivered.
   */
  isDone(id: string): boolean {
    return this.#recovered.has(id);
  }

  /** Drops the ids read at open, once recovery no longer needs them. */
  forgetRecovered(): void {
    this.#recovered = new Set();
  }

  /**
   * Records an entry (whose first key must be `id`), written with the next batch; resolves once
   * written, rejects with the file system's error if it could not be.
   */
  append(entry: { id: string; [key: string]: unknown }): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#entries.add({ id: entry.id, line: JSON.stringify(entry) + "\n", resolve, reject });
    return promise;
  }

  /** Waits for pending entries and fsyncs the log. */
  async sync(): Promise<void> {
    await this.#entries.settled();
    await this.#file.syncData();
  }

  /** Syncs and closes the log. */
  async close(): Promise<void> {
    await this.sync();
    this.#file.close();
  }

  async #write(batch: PendingEntry[]): Promise<void> {
    const text = (this.#tornTail ? "\n" : "") + batch.map((entry) => entry.line).join("");
    const bytes = new TextEncoder().encode(text);
    try {
      await writeAll(this.#file, bytes);
      this.#tornTail = false;
    } catch (error) {
      // Part of the batch may be on disk as a torn line; its entries will be appended again.
      this.#tornTail = true;
      for (const entry of batch) entry.reject(error);
      return;
    }
    for (const entry of batch) entry.resolve();
  }
}

interface PendingEntry {
  id: string;
  line: string;
  resolve(): void;
  reject(error: unknown): void;
}
