import { concatBytes } from "../wire/bytes.ts";
import { statfsSync } from "node:fs";
import { join } from "node:path";
import { writeAll } from "../wire/write_all.ts";
import { GroupCommit } from "./group_commit.ts";

/** Where a record landed: its segment's sequence number and its byte range there. */
export interface RecordLocation {
  /** The segment file's sequence number. */
  segment: number;
  /** Where the record starts in the segment, in bytes. */
  offset: number;
  /** The record's length in bytes, header included. */
  length: number;
}

interface PendingAppend {
  key: string;
  pieces: Uint8Array[];
  length: number;
  resolve(location: RecordLocation): void;
  reject(error: unknown): void;
}

/** A segment file made ahead of time, not yet named as a segment. */
interface PreparedSegment {
  path: string;
  file: Deno.FsFile;
}

/**
 * Once sessions are seen storing concurrently (a batch of more than one record), a batch waits
 * this long (Deno's timers make it ~2 ms) for more before its write and fdatasync. Each fsync
 * costs this VM a lot of CPU, not only time: measured with 20 smtp-source sessions, batches grew
 * from ~2.4 records to ~10, postie's CPU per message fell ~15% and its rate rose 10–15%, while a
 * 2 ms wait (~3 ms real) lost 15% to the added latency. A lone client never waits.
 */
const GATHER_MS = 1;

/** File name of segment `n`: sortable, so recovery reads segments in the order written. */
export function segmentName(n: number): string {
  return `segment-${n.toString().padStart(10, "0")}.spool`;
}

/** File name of segment `n` while it is prepared ahead of use (see SegmentWriter). */
export function preparedName(n: number): string {
  return `${segmentName(n)}.new`;
}

/** The sequence number in a segment file name, or undefined for other files. */
export function segmentNumber(name: string): number | undefined {
  const match = /^segment-(\d{10})\.spool$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Appends records to numbered segment files with group commit: appends that arrive while a
 * write+fdatasync is in flight are batched into the next one, so concurrent sessions share one
 * fsync. A promise returned by `append` resolves only once its record is on disk.
 *
 * A failed write or fsync (disk full, I/O error) rejects its whole batch, cuts the segment back
 * to its last durable record (best effort) and closes it: no good record ever follows a torn one,
 * and the closed segment can be removed once its messages are delivered, which is what frees
 * space again on a full disk.
 */
export class SegmentWriter {
  #file: Deno.FsFile | undefined;
  #segment: number;
  #size = 0;
  readonly #appends = new GroupCommit<PendingAppend>(
    (batch) => this.#commit(batch),
    GATHER_MS,
    "concurrent",
  );
  /** The next segment, created and zero-filled ahead of time (see {@link #prepare}). */
  #prepared: Promise<PreparedSegment | undefined> = Promise.resolve(undefined);

  /**
   * @param dir the spool directory
   * @param firstSegment the number of the first segment to create (one past the last on disk)
   * @param maxSegmentSize a segment that reached this size is closed and a new one begun
   * @param onWritten called, synchronously and in order, when a record is durable and before
   *   its `append` promise resolves; before any later `onSegmentClosed`
   * @param onSegmentClosed called with the number of each segment that will get no more records
   *   (full, failed, or the last one at `close`)
   * @param preallocate bytes of zeros each new segment is filled with ahead of time (0: none)
   */
  constructor(
    readonly dir: string,
    firstSegment: number,
    readonly maxSegmentSize: number,
    readonly onWritten: (key: string, location: RecordLocation) => void = () => {},
    readonly onSegmentClosed: (segment: number) => void = () => {},
    readonly preallocate = 0,
  ) {
    this.#segment = firstSegment;
    if (preallocate > 0) this.#prepared = this.#prepare(firstSegment);
  }

  /** Appends one record (given as pieces), named `key` for `onWritten`; resolves once durable. */
  append(key: string, pieces: Uint8Array[]): Promise<RecordLocation> {
    let length = 0;
    for (const piece of pieces) length += piece.length;
    const { promise, resolve, reject } = Promise.withResolvers<RecordLocation>();
    this.#appends.add({ key, pieces, length, resolve, reject });
    return promise;
  }

  /** Waits for every pending append, then closes the current segment; a later append begins a new one. */
  async close(): Promise<void> {
    await this.#appends.settled();
    if (this.#file) this.#closeSegment(this.#file);
    const unused = await this.#prepared;
    this.#prepared = Promise.resolve(undefined);
    if (unused) {
      unused.file.close();
      await Deno.remove(unused.path).catch(() => {});
    }
  }

  async #commit(batch: PendingAppend[]): Promise<void> {
    try {
      const file = await this.#openSegment();
      const start = this.#size;
      const bytes = concatBytes(batch.flatMap((append) => append.pieces));
      try {
        await writeAll(file, bytes);
        await file.syncData();
      } catch (error) {
        await this.#rollBack(file, start);
        throw error;
      }
      let offset = start;
      for (const append of batch) {
        const location = { segment: this.#segment, offset, length: append.length };
        this.onWritten(append.key, location);
        append.resolve(location);
        offset += append.length;
      }
      this.#size = offset;
    } catch (error) {
      for (const append of batch) append.reject(error);
    }
  }

  async #openSegment(): Promise<Deno.FsFile> {
    if (this.#file && this.#size >= this.maxSegmentSize) this.#closeSegment(this.#file);
    if (!this.#file) {
      const prepared = await this.#prepared;
      this.#prepared = Promise.resolve(undefined);
      this.#file = prepared
        ? await this.#usePrepared(prepared)
        : await this.#create(join(this.dir, segmentName(this.#segment)));
      this.#size = 0;
      if (this.preallocate > 0) this.#prepared = this.#prepare(this.#segment + 1);
    }
    return this.#file;
  }

  /** Renames a prepared file to the current segment's name (durably), or drops it. */
  async #usePrepared(prepared: PreparedSegment): Promise<Deno.FsFile> {
    const path = join(this.dir, segmentName(this.#segment));
    try {
      await Deno.rename(prepared.path, path);
      await syncDirectory(this.dir);
      return prepared.file;
    } catch {
      prepared.file.close();
      await Deno.remove(prepared.path).catch(() => {});
      return await this.#create(path);
    }
  }

  /** Creates a segment file and makes its directory entry durable. */
  async #create(path: string): Promise<Deno.FsFile> {
    const file = await Deno.open(path, { write: true, createNew: true });
    try {
      // The new directory entry must be durable too, or a crash could lose the whole file.
      await syncDirectory(this.dir);
    } catch (error) {
      file.close();
      throw error;
    }
    return file;
  }

  /**
   * Creates the file for segment `n` ahead of time, under a name recovery ignores, and fills it
   * with zeros in the background: appends then overwrite blocks the file system has already
   * allocated, so a write changes no metadata and its fdatasync needs no journal commit. On
   * this machine appending to a growing file blocked the SMTP thread ~200 µs per message.
   * Unless the disk has four times that room, the file stays empty and appends grow it.
   * Recovery stops at the zeros as at any torn tail.
   */
  async #prepare(n: number): Promise<PreparedSegment | undefined> {
    const path = join(this.dir, preparedName(n));
    await Deno.remove(path).catch(() => {});
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { write: true, createNew: true });
    } catch {
      return undefined; // the segment is created when needed, and its error reported then
    }
    try {
      // Never take space a nearly full disk needs for mail: zeros only with plenty to spare.
      const { bavail, bsize } = statfsSync(this.dir);
      const size = bavail * bsize >= 4 * this.preallocate ? this.preallocate : 0;
      const zeros = new Uint8Array(1024 * 1024);
      for (let filled = 0; filled < size; filled += zeros.length) {
        await writeAll(file, zeros.subarray(0, Math.min(zeros.length, size - filled)));
      }
      await file.syncData();
    } catch {
      await file.truncate(0).catch(() => {});
    }
    await file.seek(0, Deno.SeekMode.Start);
    return { path, file };
  }

  async #rollBack(file: Deno.FsFile, size: number): Promise<void> {
    // Best effort: what the failed batch wrote is cut off, or else stays as a torn tail that
    // recovery stops at; either way the segment takes no more records.
    await file.truncate(size).catch(() => {});
    this.#closeSegment(file);
  }

  #closeSegment(file: Deno.FsFile): void {
    file.close();
    this.#file = undefined;
    this.onSegmentClosed(this.#segment);
    this.#segment++;
  }
}

/** fsyncs a directory, making the entries created or renamed in it durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}
