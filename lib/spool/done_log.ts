import { dirname, join } from "node:path";
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

  readonly #path: string;
  #rotation: DoneLogRotation = { maxBytes: Infinity, newestSegment: () => 0 };
  /** Bytes in the current file, to know when to rotate. */
  #size = 0;

  private constructor(
    path: string,
    file: Deno.FsFile,
    done: Set<string>,
    tornTail: boolean,
  ) {
    this.#path = path;
    this.#file = file;
    this.#recovered = done;
    this.#tornTail = tornTail;
  }

  /**
   * Opens the log at `path`, creating it, and reads which queue ids are done: from the log, and
   * from the logs it was rotated into that may name a message of a live segment.
   *
   * @param liveSegments the segments on disk; a rotated log whose messages all lie in older
   *   segments is not read (those segments are gone, their messages all delivered)
   */
  static async open(path: string, liveSegments: readonly number[] = []): Promise<DoneLog> {
    const done = new Set<string>();
    const oldest = Math.min(...liveSegments);
    for (const { name, newestSegment } of await rotatedLogs(path)) {
      if (newestSegment >= oldest) {
        readIds(await Deno.readTextFile(join(dirname(path), name)), done);
      }
    }
    const text = await Deno.readTextFile(path).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return "";
      throw error;
    });
    readIds(text, done);
    const file = await Deno.open(path, { append: true, create: true });
    const log = new DoneLog(path, file, done, text.length > 0 && !text.endsWith("\n"));
    log.#size = (await file.stat()).size;
    return log;
  }

  /**
   * Whether the message with this queue id was recorded as done when the log was opened (what
   * recovery asks). Entries appended since are not remembered: a server running for months
   * would otherwise hold every queue id it ever delivered.
   */
  isDone(id: string): boolean {
    return this.#recovered.has(id);
  }

  /** From now on, moves the log aside when it reaches `rotation.maxBytes` (never by default). */
  rotateWith(rotation: DoneLogRotation): void {
    this.#rotation = rotation;
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
    this.#size += bytes.length;
    for (const entry of batch) entry.resolve();
    if (this.#size >= this.#rotation.maxBytes) await this.#rotate();
  }

  /**
   * Moves the full log aside as `done-<segment>.log`, named after the newest segment any of its
   * messages can be in, so a start reads it only while such a segment is still on disk. The file
   * is made durable first; a failure keeps writing to the same file and tries again later. A log
   * rotated while the spool was still on the same segment grows on until the segment changes.
   */
  async #rotate(): Promise<void> {
    const rotated = join(dirname(this.#path), rotatedName(this.#rotation.newestSegment()));
    if (await Deno.lstat(rotated).then(() => true, () => false)) return;
    try {
      await this.#file.syncData();
      await Deno.rename(this.#path, rotated);
    } catch {
      return; // e.g. a full disk: the log only grows on
    }
    this.#file.close();
    this.#file = await Deno.open(this.#path, { append: true, create: true });
    this.#size = 0;
  }
}

/** When {@link DoneLog} rotates, and what it names the rotated file after. */
export interface DoneLogRotation {
  /** Rotate once the log holds this many bytes. */
  maxBytes: number;
  /** The newest segment a message recorded so far can be in (the spool's current one). */
  newestSegment(): number;
}

function rotatedName(newestSegment: number): string {
  return `done-${newestSegment.toString().padStart(10, "0")}.log`;
}

/** The rotated logs beside `path`, with the newest segment each may name a message of. */
async function rotatedLogs(path: string): Promise<{ name: string; newestSegment: number }[]> {
  const found = [];
  for await (const entry of Deno.readDir(dirname(path))) {
    const match = /^done-(\d{10})\.log$/.exec(entry.name);
    if (entry.isFile && match) found.push({ name: entry.name, newestSegment: Number(match[1]) });
  }
  return found;
}

/** Adds the queue id of every whole entry line of `text` to `done`. */
function readIds(text: string, done: Set<string>): void {
  for (const line of text.split("\n")) {
    // A torn last line (a crash mid-write) is simply not done yet.
    const id = /^\{"id":"([0-9A-Z]+)"/.exec(line)?.[1];
    if (id && line.endsWith("}")) done.add(id);
  }
}

interface PendingEntry {
  id: string;
  line: string;
  resolve(): void;
  reject(error: unknown): void;
}
