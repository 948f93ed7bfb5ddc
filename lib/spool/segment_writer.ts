import { join } from "node:path";

/** Where a record landed: its segment's sequence number and its byte range there. */
export interface RecordLocation {
  segment: number;
  offset: number;
  length: number;
}

interface PendingAppend {
  key: string;
  pieces: Uint8Array[];
  length: number;
  resolve(location: RecordLocation): void;
  reject(error: unknown): void;
}

/** File name of segment `n`: sortable, so recovery reads segments in the order written. */
export function segmentName(n: number): string {
  return `segment-${n.toString().padStart(10, "0")}.spool`;
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
  #pending: PendingAppend[] = [];
  #flushing: Promise<void> | undefined;

  /**
   * @param dir the spool directory
   * @param firstSegment the number of the first segment to create (one past the last on disk)
   * @param maxSegmentSize a segment that reached this size is closed and a new one begun
   * @param onWritten called, synchronously and in order, when a record is durable and before
   *   its `append` promise resolves; before any later `onSegmentClosed`
   * @param onSegmentClosed called with the number of each segment that will get no more records
   *   (full, failed, or the last one at `close`)
   */
  constructor(
    readonly dir: string,
    firstSegment: number,
    readonly maxSegmentSize: number,
    readonly onWritten: (key: string, location: RecordLocation) => void = () => {},
    readonly onSegmentClosed: (segment: number) => void = () => {},
  ) {
    this.#segment = firstSegment;
  }

  /** Appends one record (given as pieces), named `key` for `onWritten`; resolves once durable. */
  append(key: string, pieces: Uint8Array[]): Promise<RecordLocation> {
    let length = 0;
    for (const piece of pieces) length += piece.length;
    const { promise, resolve, reject } = Promise.withResolvers<RecordLocation>();
    this.#pending.push({ key, pieces, length, resolve, reject });
    this.#flushing ??= this.#flushLoop();
    return promise;
  }

  /** Waits for every pending append, then closes the current segment; a later append begins a new one. */
  async close(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#file) this.#closeSegment(this.#file);
  }

  async #flushLoop(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        await this.#commit(batch);
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #commit(batch: PendingAppend[]): Promise<void> {
    try {
      const file = await this.#openSegment();
      const start = this.#size;
      const bytes = concatBatch(batch);
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
      const path = join(this.dir, segmentName(this.#segment));
      const file = await Deno.open(path, { write: true, createNew: true });
      try {
        // The new directory entry must be durable too, or a crash could lose the whole file.
        await syncDirectory(this.dir);
      } catch (error) {
        this.#closeSegment(file);
        throw error;
      }
      this.#file = file;
      this.#size = 0;
    }
    return this.#file;
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

function concatBatch(batch: PendingAppend[]): Uint8Array {
  let total = 0;
  for (const append of batch) total += append.length;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const append of batch) {
    for (const piece of append.pieces) {
      bytes.set(piece, offset);
      offset += piece.length;
    }
  }
  return bytes;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
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
