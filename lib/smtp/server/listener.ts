import { encodeReply } from "../../wire/mod.ts";
import { type ConnectionContext, SmtpConnection } from "./connection.ts";
import { Replies } from "./replies.ts";

/** How a listener runs: where, how many clients, and what each connection gets. */
export interface ListenerOptions extends ConnectionContext {
  /** The addresses to accept connections on. */
  addresses: { hostname: string; port: number }[];
  /** Concurrent connections; one more gets 421 4.3.2 and is closed. */
  maxConnections: number;
}

/**
 * Accepts SMTP connections on one or more addresses and runs an {@link SmtpConnection} for each.
 * One timer checks every connection's deadline, rather than a timer per read.
 *
 * @example
 * ```ts
 * const listener = SmtpListener.bind({ ...context, addresses: [{ hostname: "127.0.0.1", port: 2525 }], maxConnections: 100 });
 * const serving = listener.serve();
 * // … later
 * await listener.shutdown(10_000);
 * await serving;
 * ```
 */
export class SmtpListener {
  readonly #listeners: Deno.Listener[];
  readonly #options: ListenerOptions;
  readonly #connections = new Set<SmtpConnection>();
  readonly #running = new Set<Promise<void>>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  private constructor(listeners: Deno.Listener[], options: ListenerOptions) {
    this.#listeners = listeners;
    this.#options = options;
  }

  /**
   * Binds every address now, so a port in use fails before anything starts (Deno.errors.AddrInUse).
   */
  static bind(options: ListenerOptions): SmtpListener {
    const listeners: Deno.Listener[] = [];
    try {
      for (const { hostname, port } of options.addresses) {
        listeners.push(Deno.listen({ hostname, port, transport: "tcp" }));
      }
    } catch (error) {
      for (const listener of listeners) listener.close();
      throw error;
    }
    return new SmtpListener(listeners, options);
  }

  /** The addresses actually bound (with the port chosen when 0 was asked). */
  get addresses(): Deno.NetAddr[] {
    return this.#listeners.map((listener) => listener.addr as Deno.NetAddr);
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Accepts connections until `shutdown`; resolves when every session has ended. */
  async serve(): Promise<void> {
    const { command, dataBlock } = this.#options.timeouts;
    const tick = Math.min(1000, Math.max(5, Math.min(command, dataBlock) / 4));
    this.#sweeper = setInterval(() => this.#sweep(), tick);
    await Promise.all(this.#listeners.map((listener) => this.#acceptLoop(listener)));
    while (this.#running.size > 0) await Promise.all(this.#running);
    clearInterval(this.#sweeper);
  }

  /**
   * Stops accepting; idle sessions get 421 now, sessions in a transaction may finish it within
   * `graceMs`, then the rest get 421 too. Resolves when every session has ended.
   */
  async shutdown(graceMs: number): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
    }
    for (const connection of this.#connections) connection.shutdown(false);
    const deadline = Date.now() + graceMs;
    while (this.#running.size > 0 && Date.now() < deadline) {
      await Promise.race([
        Promise.all(this.#running),
        new Promise((resolve) => setTimeout(resolve, Math.max(1, deadline - Date.now()))),
      ]);
    }
    for (const connection of this.#connections) connection.shutdown(true);
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #acceptLoop(listener: Deno.Listener): Promise<void> {
    while (true) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
          return; // closed by shutdown
        }
        continue; // e.g. EMFILE or a connection reset before accept: keep serving
      }
      if (this.#connections.size >= this.#options.maxConnections) {
        this.#refuse(conn);
        continue;
      }
      const connection = new SmtpConnection(conn, this.#options);
      this.#connections.add(connection);
      const running = connection.run().finally(() => {
        this.#connections.delete(connection);
        this.#running.delete(running);
      });
      this.#running.add(running);
    }
  }

  #refuse(conn: Deno.Conn): void {
    const bytes = encodeReply(Replies.tooManyConnections(this.#options.hostname));
    conn.write(bytes).catch(() => {}).finally(() => {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    });
  }

  #sweep(): void {
    const now = Date.now();
    for (const connection of this.#connections) {
      if (connection.deadline <= now) connection.timeout();
    }
  }
}
