/**
 * The spool's done log: one JSON line per message whose delivery is finished, with its envelope,
 * so the queue and the web inbox can still find a message's envelope by queue id after its
 * segment is gone. Writes are batched; `sync` makes them durable, which the spool does before
 * removing a segment (until then, a lost line only means a delivery is checked again).
 */
export class DoneLog {
  readonly #done: Set<string>;
  #file: Deno.FsFile;
  #pending: string[] = [];
  #writing: Promise<void> | undefined;

  private constructor(file: Deno.FsFile, done: Set<string>) {
    this.#file = file;
    this.#done = done;
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
    return new DoneLog(file, done);
  }

  /** Whether the message with this queue id was recorded as done. */
  isDone(id: string): boolean {
    return this.#done.has(id);
  }

  /** Records an entry (whose first key must be `id`), written with the next batch. */
  append(entry: { id: string; [key: string]: unknown }): Promise<void> {
    this.#done.add(entry.id);
    this.#pending.push(JSON.stringify(entry) + "\n");
    this.#writing ??= this.#writeLoop();
    return this.#writing;
  }

  /** Waits for pending entries and fsyncs the log. */
  async sync(): Promise<void> {
    while (this.#writing) await this.#writing;
    await this.#file.syncData();
  }

  /** Syncs and closes the log. */
  async close(): Promise<void> {
    await this.sync();
    this.#file.close();
  }

  async #writeLoop(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const bytes = new TextEncoder().encode(this.#pending.join(""));
        this.#pending = [];
        let written = 0;
        while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
