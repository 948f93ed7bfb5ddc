import { join } from "node:path";
import { LocalDelivery } from "../delivery/local_delivery.ts";
import { Maildir, syncFileSystem } from "../delivery/maildir.ts";
import { type MaildirStore, MaildirWorker } from "../delivery/maildir_worker.ts";
import type { SessionTimeouts } from "../smtp/server/connection.ts";
import type { SessionLimits } from "../smtp/server/limits.ts";
import { SmtpListener } from "../smtp/server/listener.ts";
import { Replies } from "../smtp/server/replies.ts";
import { Spool } from "../spool/spool.ts";
import { Logger } from "./log.ts";
import { ReverseDns } from "./reverse_dns.ts";
import { SpoolStore } from "./spool_store.ts";

/** Everything `postie serve` configures. */
export interface MtaOptions {
  /** The data directory: its lock file, the spool and the Maildir live under it. */
  dataDir: string;
  /** This server's name, used in the greeting and in Received fields (RFC 5321 §4.1.3, §4.4). */
  hostname: string;
  /** The addresses to accept SMTP connections on. */
  listen: { hostname: string; port: number }[];
  /** Per-session limits (RFC 5321 §4.5.3.1). */
  limits: SessionLimits;
  /** Per-session timeouts (RFC 5321 §4.5.3.2). */
  timeouts: SessionTimeouts;
  /** Concurrent connections; one more gets 421 4.3.2 and is closed. */
  maxConnections: number;
  /** The longest command line accepted, in octets, CRLF included (RFC 5321 §4.5.3.1.4). */
  maxLineLength: number;
  /** Where connection and delivery events are logged. */
  logger: Logger;
  /**
   * The entry module to run Maildir file work on a Worker thread (see `runMaildirWorker`);
   * without it, that work runs on the SMTP thread.
   */
  workerEntry?: string | URL;
}

/** The data directory is locked by another running server. */
export class DataDirBusyError extends Error {
  override name = "DataDirBusyError";
}

/**
 * postie's MTA in its dev (catch-all) mode: an SMTP listener whose accepted mail goes into the
 * durable spool and from there into `<data-dir>/maildir`. Starting it recovers the spool:
 * every acknowledged message not yet delivered is delivered, exactly once.
 */
export class Mta {
  private constructor(
    readonly listener: SmtpListener,
    readonly spool: Spool,
    readonly delivery: LocalDelivery,
    readonly maildir: MaildirStore,
    readonly recovered: number,
    readonly options: MtaOptions,
    readonly lock: Deno.FsFile,
  ) {}

  /**
   * Locks the data directory, recovers the spool, binds the listeners. Throws
   * DataDirBusyError, Deno.errors.AddrInUse, or the file system's error for an unusable dir.
   */
  static async start(options: MtaOptions): Promise<Mta> {
    await Deno.mkdir(options.dataDir, { recursive: true });
    const lock = await Deno.open(join(options.dataDir, "lock"), { write: true, create: true });
    if (!(await lock.tryLock(true))) {
      lock.close();
      throw new DataDirBusyError(`${options.dataDir} is in use by another postie serve`);
    }
    // Undone in reverse order if a later step fails (e.g. the port is in use).
    const cleanups: (() => unknown)[] = [() => lock.close()];
    try {
      const maildirDir = join(options.dataDir, "maildir");
      await new Maildir(maildirDir).create();
      const { spool, pending } = await Spool.open(
        join(options.dataDir, "spool"),
        () => syncFileSystem(options.dataDir),
      );
      cleanups.push(() => spool.close());
      const maildir = options.workerEntry
        ? new MaildirWorker(options.workerEntry, maildirDir)
        : new Maildir(maildirDir);
      if (maildir instanceof MaildirWorker) cleanups.push(() => maildir.terminate());
      const delivery = new LocalDelivery(
        spool,
        maildir,
        options.hostname,
        (event) => options.logger.deliveryEvent(event),
      );
      const store = new SpoolStore(spool, options.hostname, (message) => delivery.enqueue(message));
      const reverseDns = new ReverseDns();
      const listener = SmtpListener.bind({
        addresses: options.listen,
        hostname: options.hostname,
        limits: options.limits,
        timeouts: options.timeouts,
        maxConnections: options.maxConnections,
        maxLineLength: options.maxLineLength,
        store,
        policy: {
          declaredSize: (size) =>
            store.hasRoomFor(size) ? undefined : Replies.insufficientStorage(),
        },
        lookupName: (address) => reverseDns.lookup(address),
        onEvent: (event) => options.logger.connectionEvent(event),
      });
      for (const message of pending) delivery.enqueue(message, true);
      return new Mta(listener, spool, delivery, maildir, pending.length, options, lock);
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await cleanup();
      throw error;
    }
  }

  /** Serves until `stop`. */
  serve(): Promise<void> {
    return this.listener.serve();
  }

  /**
   * Stops: ends sessions (transactions in flight get `graceMs`), finishes deliveries that can
   * be made now, closes the spool and releases the data directory.
   */
  async stop(graceMs: number): Promise<void> {
    await this.listener.shutdown(graceMs);
    await this.delivery.drain();
    await this.spool.close();
    if (this.maildir instanceof MaildirWorker) this.maildir.terminate();
    this.options.logger.flush();
    this.lock.close();
  }
}
