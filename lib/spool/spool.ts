import { join } from "node:path";
import { QueueIdGenerator } from "./queue_id.ts";
import { decodeRecords, encodeRecord } from "./record.ts";
import {
  type RecordLocation,
  segmentName,
  segmentNumber,
  SegmentWriter,
} from "./segment_writer.ts";
import { DoneLog } from "./done_log.ts";

/** What the spool keeps with every message: enough for delivery, the queue and the web inbox. */
export interface SpoolMeta {
  /** The queue id. */
  id: string;
  /** When the message was accepted, in ms since the epoch. */
  receivedAt: number;
  /** The reverse-path without angle brackets; "" for the null path. */
  from: string;
  /** Forward-paths with their DSN parameters (RFC 3461). */
  recipients: { address: string; notify?: string[]; orcpt?: string }[];
  /** MAIL parameters worth keeping: SIZE, BODY, SMTPUTF8, RET, ENVID. */
  mailParams: Record<string, string | number | boolean>;
  /** The client: address, port, HELO/EHLO argument, reverse-DNS name, and TLS. */
  client: { address: string; port: number; helo?: string; name?: string; tls: boolean };
  /** The Received header field the server added, CRLF-terminated and folded. */
  received: string;
}

/** A message in the spool: its metadata, where it lives, and (fresh or recovered) its content. */
export interface SpooledMessage {
  /** The envelope and what the server recorded about the message. */
  meta: SpoolMeta;
  /** Where its record is in the spool's segment files. */
  location: RecordLocation;
  /** The content as received (dot-unstuffed), without the Received field. */
  body: Uint8Array;
}

/** Segments are zero-filled ahead of use up to this size (see SegmentWriter). */
const MAX_PREALLOCATE = 64 * 1024 * 1024;

/**
 * The done log is moved aside at this size, so a start reads only the done logs that can name a
 * message of a segment still on disk, not every delivery ever made.
 */
const DONE_LOG_ROTATE_BYTES = 64 * 1024 * 1024;

/** Segments close at this size (a new one begins), so delivered ones can be removed. */
const DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;

/**
 * postie's durable queue. Accepted messages are appended as records to segment files with group
 * commit (one fdatasync shared by every session that finished DATA meanwhile), instead of one
 * file per message: on this machine creating a file costs far more than an fsync shared by many.
 * A message is done when its delivery is recorded in the done log; a segment whose messages are
 * all done, and that takes no more appends, is removed once the deliveries are made durable.
 */
export class Spool {
  /** Makes the queue ids of new messages. */
  readonly ids: QueueIdGenerator;
  readonly #writer: SegmentWriter;
  readonly #doneLog: DoneLog;
  /** Queue ids not yet done, per segment. */
  readonly #undone = new Map<number, Set<string>>();
  readonly #closedSegments = new Set<number>();
  /** Closed segments whose messages are all done, to remove once their deliveries are durable. */
  readonly #removable = new Set<number>();
  #collecting: Promise<void> = Promise.resolve();
  #undelivered = { messages: 0, bytes: 0 };
  /** Read handles of segments that deliveries read back from, until the segment goes. */
  readonly #readers = new Map<number, Deno.FsFile>();
  /** The newest segment a record went to (or, before any, one past the last on disk). */
  #newestSegment: number;

  private constructor(
    readonly dir: string,
    idsNotBefore: number,
    firstSegment: number,
    doneLog: DoneLog,
    readonly makeDeliveriesDurable: () => Promise<void>,
    segmentSize: number,
  ) {
    this.ids = new QueueIdGenerator(idsNotBefore);
    this.#doneLog = doneLog;
    this.#newestSegment = firstSegment;
    this.#writer = new SegmentWriter(dir, firstSegment, segmentSize, (id, location) => {
      this.#newestSegment = Math.max(this.#newestSegment, location.segment);
      let undone = this.#undone.get(location.segment);
      if (!undone) this.#undone.set(location.segment, undone = new Set());
      undone.add(id);
    }, (segment) => {
      this.#closedSegments.add(segment);
      this.#collect(segment);
    }, Math.min(segmentSize, MAX_PREALLOCATE));
  }

  /**
   * Opens (creating if needed) the spool in `dir` and recovers it: returns every message that
   * was acknowledged but is not yet done, in acceptance order.
   *
   * @param makeDeliveriesDurable called before a segment is removed; it must make every delivery
   *   recorded as done so far durable (e.g. sync the Maildir's file system).
   * @param segmentSize a segment is closed (a new one begun) at this size
   * @param doneLogRotateBytes the done log is moved aside at this size (see DoneLog)
   */
  static async open(
    dir: string,
    makeDeliveriesDurable: () => Promise<void>,
    segmentSize = DEFAULT_SEGMENT_SIZE,
    doneLogRotateBytes = DONE_LOG_ROTATE_BYTES,
  ): Promise<{ spool: Spool; pending: SpooledMessage[] }> {
    await Deno.mkdir(dir, { recursive: true });
    const segments: number[] = [];
    // Every queue id on disk was made before the file holding it was last written.
    let newestWrite = 0;
    for await (const entry of Deno.readDir(dir)) {
      const modified = (await Deno.lstat(join(dir, entry.name)).catch(() => undefined))?.mtime;
      newestWrite = Math.max(newestWrite, modified?.getTime() ?? 0);
      const n = segmentNumber(entry.name);
      if (entry.isFile && n !== undefined) segments.push(n);
      // A segment prepared ahead of use but never used (the process stopped first) holds nothing.
      if (entry.isFile && entry.name.endsWith(".spool.new")) {
        await Deno.remove(join(dir, entry.name)).catch(() => {});
      }
    }
    segments.sort((a, b) => a - b);
    const doneLog = await DoneLog.open(join(dir, "done.log"), segments);
    const last = segments.at(-1);
    const spool = new Spool(
      dir,
      Math.floor(newestWrite) + 1,
      last === undefined ? 1 : last + 1,
      doneLog,
      makeDeliveriesDurable,
      segmentSize,
    );
    const pending: SpooledMessage[] = [];
    for (const segment of segments) {
      const bytes = await Deno.readFile(join(dir, segmentName(segment)));
      const undone = new Set<string>();
      for (const record of decodeRecords<SpoolMeta>(bytes)) {
        if (doneLog.isDone(record.meta.id)) continue;
        undone.add(record.meta.id);
        spool.#count(1, record.length);
        pending.push({
          meta: record.meta,
          location: { segment, offset: record.offset, length: record.length },
          body: record.body,
        });
      }
      spool.#undone.set(segment, undone);
      spool.#closedSegments.add(segment);
    }
    doneLog.forgetRecovered();
    doneLog.rotateWith({
      maxBytes: doneLogRotateBytes,
      newestSegment: () => spool.#newestSegment,
    });
    for (const segment of segments) spool.#collect(segment);
    return { spool, pending };
  }

  /**
   * Appends a message and resolves once it is durable: only then may the server answer 250.
   * Rejects with the file system's error (e.g. ENOSPC) when it cannot be stored.
   */
  append(meta: SpoolMeta, body: readonly Uint8Array[]): Promise<RecordLocation> {
    const pieces = encodeRecord(meta, body);
    let length = 0;
    for (const piece of pieces) length += piece.length;
    this.#count(1, length);
    return this.#writer.append(meta.id, pieces).catch((error) => {
      this.#count(-1, -length);
      throw error;
    });
  }

  /**
   * Closes the current segment (the next append begins a new one), so that it is removed as soon
   * as its messages are done: for a disk short of room, where the spool must give back the space
   * of delivered mail without waiting for the segment to fill up.
   */
  closeSegment(): Promise<void> {
    return this.#writer.close();
  }

  /** Messages stored (or being stored) and not yet done, and their size in the spool. */
  get undelivered(): { messages: number; bytes: number } {
    return { ...this.#undelivered };
  }

  /**
   * Reads a message back from its segment (a delivery queue that holds only locations, so a
   * large backlog does not sit in memory). Throws if the record is not there whole.
   */
  read(location: RecordLocation): Promise<SpooledMessage> {
    try {
      return Promise.resolve(this.#readSync(location));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Synchronous on purpose: the record was just written and sits in the page cache, so a seek
   * and a read on a kept handle cost far less than opening the segment for four async calls
   * (measured: ~125 µs a message), and nothing can move the shared handle in between.
   */
  #readSync(location: RecordLocation): SpooledMessage {
    let file = this.#readers.get(location.segment);
    if (!file) {
      file = Deno.openSync(join(this.dir, segmentName(location.segment)), { read: true });
      this.#readers.set(location.segment, file);
    }
    file.seekSync(location.offset, Deno.SeekMode.Start);
    const bytes = new Uint8Array(location.length);
    let filled = 0;
    while (filled < bytes.length) {
      const n = file.readSync(bytes.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    const record = decodeRecords<SpoolMeta>(bytes.subarray(0, filled)).next().value;
    if (!record) throw new Error(`spool record at ${JSON.stringify(location)} is not whole`);
    return { meta: record.meta, location, body: record.body };
  }

  #closeReader(segment: number): void {
    this.#readers.get(segment)?.close();
    this.#readers.delete(segment);
  }

  /** Records that a message was delivered; `detail` is kept in the done log with its metadata. */
  async done(message: SpooledMessage, detail: Record<string, unknown>): Promise<void> {
    await this.#doneLog.append({ ...message.meta, ...detail, doneAt: Date.now() });
    const undone = this.#undone.get(message.location.segment);
    if (undone?.delete(message.meta.id)) this.#count(-1, -message.location.length);
    this.#collect(message.location.segment);
  }

  /**
   * Waits for pending appends, closes the last segment (removed too if its messages are all
   * done), waits for removals, then closes the files.
   */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#collecting;
    for (const segment of [...this.#readers.keys()]) this.#closeReader(segment);
    await this.#doneLog.close();
  }

  #count(messages: number, bytes: number): void {
    this.#undelivered.messages += messages;
    this.#undelivered.bytes += bytes;
  }

  #collect(segment: number): void {
    const undone = this.#undone.get(segment);
    if (this.#closedSegments.has(segment) && !(undone && undone.size > 0)) {
      this.#undone.delete(segment);
      this.#closedSegments.delete(segment);
      this.#removable.add(segment);
    }
    if (this.#removable.size > 0) {
      this.#collecting = this.#collecting.then(() => this.#removeSegments());
    }
  }

  async #removeSegments(): Promise<void> {
    const segments = [...this.#removable];
    this.#removable.clear();
    if (segments.length === 0) return;
    try {
      await this.#doneLog.sync();
      await this.makeDeliveriesDurable();
    } catch {
      // Not durable yet (e.g. a full disk): kept for the next delivery to retry, or the next start.
      for (const segment of segments) this.#removable.add(segment);
      return;
    }
    for (const segment of segments) {
      this.#closeReader(segment);
      await Deno.remove(join(this.dir, segmentName(segment))).catch(() => {});
    }
  }
}
