import type { Spool, SpooledMessage } from "../spool/spool.ts";
import { Maildir } from "./maildir.ts";
import type { MaildirStore } from "./maildir_worker.ts";

/** How a finished or failed delivery is reported (for the log). */
export type DeliveryEvent =
  | { kind: "delivered"; message: SpooledMessage; file: string; skipped: boolean }
  | { kind: "deferred"; message: SpooledMessage; error: unknown; retryInMs: number };

/** Retry a failed local delivery after these delays (ms), then every last one. */
const RETRY_DELAYS = [1_000, 5_000, 30_000, 60_000];

/**
 * Delivers spooled messages into a Maildir, prepending `Return-Path:` (RFC 5321 §4.4) to the
 * Received header field and the content as the client sent it, and records each in the spool's
 * done log. Recovered messages are first looked for in the Maildir, so none is delivered twice.
 */
export class LocalDelivery {
  readonly #queue: { message: SpooledMessage; recovered: boolean; attempts: number }[] = [];
  #active = 0;
  #idle = Promise.withResolvers<void>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  /** While draining, a failed delivery is left in the spool for the next start, not retried. */
  #draining = false;

  constructor(
    readonly spool: Spool,
    readonly maildir: MaildirStore,
    readonly hostname: string,
    readonly onEvent: (event: DeliveryEvent) => void = () => {},
    readonly concurrency = 8,
  ) {
    this.#idle.resolve();
  }

  /** Messages waiting or being delivered. */
  get backlog(): number {
    return this.#queue.length + this.#active;
  }

  /** Queues a message; `recovered` marks one found in the spool at startup. */
  enqueue(message: SpooledMessage, recovered = false): void {
    this.#push({ message, recovered, attempts: 0 });
  }

  /**
   * Resolves when nothing is waiting or in progress. Deferred retries are cancelled, and a
   * delivery that fails meanwhile is not retried: the spool keeps it for the next start.
   */
  async drain(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#draining = true;
    try {
      await this.#idle.promise;
    } finally {
      this.#draining = false;
    }
  }

  #push(item: { message: SpooledMessage; recovered: boolean; attempts: number }): void {
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
        if (this.backlog === 0) this.#idle.resolve();
      });
    }
  }

  async #deliver(item: { message: SpooledMessage; recovered: boolean; attempts: number }) {
    const { message } = item;
    const name = Maildir.fileName(message.meta.id, message.meta.receivedAt, this.hostname);
    const prefix = new TextEncoder().encode(
      `Return-Path: <${message.meta.from}>\r\n${message.meta.received}`,
    );
    try {
      const skipped = item.recovered &&
        await this.maildir.contains(name, prefix.length + message.body.length);
      const file = skipped ? name : await this.maildir.deliver(name, [prefix, message.body]);
      await this.spool.done(message, { maildir: name });
      this.onEvent({ kind: "delivered", message, file, skipped });
    } catch (error) {
      const retryInMs = RETRY_DELAYS[Math.min(item.attempts, RETRY_DELAYS.length - 1)];
      this.onEvent({ kind: "deferred", message, error, retryInMs });
      if (this.#draining) return;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#push({ ...item, recovered: true, attempts: item.attempts + 1 });
      }, retryInMs);
      this.#timers.add(timer);
    }
  }
}
