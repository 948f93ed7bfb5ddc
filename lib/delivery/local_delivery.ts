import type { RecordLocation } from "../spool/segment_writer.ts";
import type { Spool, SpooledMessage } from "../spool/spool.ts";
import { Maildir } from "./maildir.ts";
import type { MaildirStore } from "./maildir_worker.ts";

/** How a finished or failed delivery is reported (for the log). */
export type DeliveryEvent =
  | { kind: "delivered"; message: SpooledMessage; file: string; skipped: boolean }
  | {
    kind: "deferred";
    /** Undefined when the message could not even be read back from the spool. */
    message: SpooledMessage | undefined;
    location: RecordLocation;
    error: unknown;
    retryInMs: number;
  };

/** Retry a failed local delivery after these delays (ms), then every last one. */
const RETRY_DELAYS = [1_000, 5_000, 30_000, 60_000];

/** Message bodies the queue keeps in memory; past this, it keeps locations and reads back. */
const MEMORY_BUDGET = 16 * 1024 * 1024;

/** A message on its way into the Maildir. */
interface DeliveryItem {
  /** Where the message is in the spool. */
  location: RecordLocation;
  /** The message itself while it is held in memory; read back from the spool otherwise. */
  message?: SpooledMessage;
  /** Found in the spool at startup, or a retry: the Maildir may hold it already. */
  recovered: boolean;
  attempts: number;
  /** Set once the Maildir holds the message: a retry then only records it as done. */
  file?: string;
  /** The Maildir held the message already (recovered after a crash). */
  skipped?: boolean;
}

/**
 * Delivers spooled messages into a Maildir, prepending `Return-Path:` (RFC 5321 §4.4) to the
 * Received header field and the content as the client sent it, and records each in the spool's
 * done log. Recovered messages are first looked for in the Maildir, so none is delivered twice.
 */
export class LocalDelivery {
  readonly #queue: DeliveryItem[] = [];
  #active = 0;
  /** Deliveries whose done record is being written. */
  #recording = 0;
  /** Bytes of message bodies held by queued items. */
  #heldBytes = 0;
  #idle = Promise.withResolvers<void>();
  readonly #retries = new Map<ReturnType<typeof setTimeout>, DeliveryItem>();
  /** While draining, a failed delivery is left in the spool for the next start, not retried. */
  #draining = false;

  /**
   * Local delivery from `spool` into `maildir`, at most `concurrency` messages at a time.
   *
   * @param spool where messages come from and their done records go
   * @param maildir where messages are delivered
   * @param hostname this server's name, for Maildir file names
   * @param onEvent called for each delivery or deferral
   * @param concurrency deliveries in progress at once
   */
  constructor(
    readonly spool: Spool,
    readonly maildir: MaildirStore,
    readonly hostname: string,
    readonly onEvent: (event: DeliveryEvent) => void = () => {},
    readonly concurrency = 8,
  ) {
    this.#idle.resolve();
  }

  /** Messages waiting, being delivered, or being recorded as done. */
  get backlog(): number {
    return this.#queue.length + this.#active + this.#recording;
  }

  /** Queues a message; `recovered` marks one found in the spool at startup. */
  enqueue(message: SpooledMessage, recovered = false): void {
    // Recovered messages are read back one by one, so the segments read at startup are freed.
    const held = !recovered && this.#heldBytes + message.body.length <= MEMORY_BUDGET;
    if (held) this.#heldBytes += message.body.length;
    this.#push({
      location: message.location,
      message: held ? message : undefined,
      recovered,
      attempts: 0,
    });
  }

  /**
   * Resolves when nothing is waiting or in progress. Deferred retries are cancelled (those that
   * only lack their done record get one last try now), and a delivery that fails meanwhile is
   * not retried: the spool keeps it for the next start.
   */
  async drain(): Promise<void> {
    this.#draining = true;
    const retries = [...this.#retries];
    this.#retries.clear();
    for (const [timer, item] of retries) {
      clearTimeout(timer);
      if (item.file !== undefined) this.#push(item);
    }
    try {
      await this.#idle.promise;
    } finally {
      this.#draining = false;
    }
  }

  #push(item: DeliveryItem): void {
    if (this.backlog === 0) this.#idle = Promise.withResolvers<void>();
    this.#queue.push(item);
    this.#pump();
  }

  #pump(): void {
    while (this.#active < this.concurrency && this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      this.#active++;
      this.#deliver(item).finally(() => {
        this.#active--;
        this.#pump();
        this.#settle();
      });
    }
  }

  async #deliver(item: DeliveryItem): Promise<void> {
    let message: SpooledMessage;
    try {
      message = item.message ?? await this.spool.read(item.location);
    } catch (error) {
      return this.#defer(item, error, undefined);
    }
    if (item.message) {
      this.#heldBytes -= item.message.body.length;
      item.message = undefined;
    }
    const name = Maildir.fileName(message.meta.id, message.meta.receivedAt, this.hostname);
    try {
      // Once in the Maildir, a message is not written again: after a failed done record (a full
      // disk) the reader may have taken it away, and a second copy would be a duplicate.
      item.file ??= await this.#intoMaildir(item, message, name);
    } catch (error) {
      return this.#defer(item, error, message);
    }
    // The slot goes to the next message while the done record waits for its (batched) write.
    this.#recording++;
    this.#recordDone(item, message, name).finally(() => {
      this.#recording--;
      this.#settle();
    });
  }

  async #recordDone(item: DeliveryItem, message: SpooledMessage, name: string): Promise<void> {
    try {
      await this.spool.done(message, { maildir: name });
      this.onEvent({
        kind: "delivered",
        message,
        file: item.file!,
        skipped: item.skipped === true,
      });
    } catch (error) {
      this.#defer(item, error, message);
    }
  }

  /** Resolves `drain` once nothing is queued, being delivered, or being recorded as done. */
  #settle(): void {
    if (this.backlog === 0) this.#idle.resolve();
  }

  /** Schedules another attempt (unless draining); the retry reads the message back. */
  #defer(item: DeliveryItem, error: unknown, message: SpooledMessage | undefined): void {
    const retryInMs = RETRY_DELAYS[Math.min(item.attempts, RETRY_DELAYS.length - 1)];
    this.onEvent({ kind: "deferred", message, location: item.location, error, retryInMs });
    if (this.#draining) return;
    const retry = { ...item, recovered: true, attempts: item.attempts + 1 };
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      this.#push(retry);
    }, retryInMs);
    this.#retries.set(timer, retry);
  }

  /** Writes the message into the Maildir, unless a recovered one is there already. */
  async #intoMaildir(item: DeliveryItem, message: SpooledMessage, name: string): Promise<string> {
    const prefix = new TextEncoder().encode(
      `Return-Path: <${message.meta.from}>\r\n${message.meta.received}`,
    );
    item.skipped = item.recovered &&
      await this.maildir.contains(name, prefix.length + message.body.length);
    return item.skipped ? name : await this.maildir.deliver(name, [prefix, message.body]);
  }
}
