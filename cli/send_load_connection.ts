/**
 * Load mode's connection: it runs a keep-open {@linkcode ClientSession} (the same sans-IO
 * machine `postie send` uses) for message after message, built for throughput rather than
 * for a transcript. Each step goes out in one write with TCP_NODELAY set (a small
 * end-of-data line never waits for a delayed ACK); with PIPELINING the next message's MAIL,
 * RCPT and DATA ride in the write of the content before them; commands are encoded once and
 * reused; content comes dot-stuffed and whole (load mode's MessageTemplate); replies are read
 * straight from the socket's buffer; and one watchdog timer per connection enforces the time
 * limit instead of a timer per read and write.
 *
 * @module
 */

import {
  type ClientCommand,
  type ClientSession,
  type ClientStep,
  type ClientTransaction,
  type MailTransaction,
  SmtpConnectionError,
} from "../lib/smtp/client/mod.ts";
import { formatCommand } from "../lib/wire/command.ts";
import { readerSource } from "../lib/wire/chunk_source.ts";
import { LineReader, TEXT_LINE_LIMIT } from "../lib/wire/line_reader.ts";
import { type Reply, ReplyParser } from "../lib/wire/reply.ts";
import { writeAll } from "../lib/wire/write_all.ts";

/** Where to connect and what to send. */
export interface LoadConnectionOptions {
  /** The server's host name or address. */
  hostname: string;
  /** Its port. */
  port: number;
  /** No progress (connect, read or write) for this long ends the connection, ms. */
  timeoutMs: number;
  /**
   * The next message's envelope, or undefined to QUIT. Asked for when the session is idle, or
   * ahead of time, while the previous message's content is written, when the server offers
   * PIPELINING: its MAIL, RCPT and DATA then go in the same write as that content.
   */
  nextTransaction: () => MailTransaction | undefined;
  /** The content of the message last asked for: dot-stuffed, end-of-data line included. */
  content: () => Uint8Array[];
  /** Called as each transaction ends (the session is idle again), in order. */
  onTransactionEnd: (transaction: ClientTransaction) => void;
  /** Encoded commands by command line, to keep across sessions. */
  commandCache?: Map<string, Uint8Array>;
}

/** Most distinct command lines kept encoded (EHLO, MAIL, RCPT…, RSET, QUIT: a handful). */
const COMMAND_CACHE_LIMIT = 64;
const INITIAL_OUTPUT = 16 * 1024;

/**
 * Runs `session` over one TCP connection until it is done. Never throws for network
 * trouble: a refused connection, a timeout or a server that hangs up is returned.
 *
 * @example
 * ```ts ignore
 * const session = new ClientSession({ clientName: "me.test", transactions: [], keepOpen: true });
 * const error = await runLoadConnection(session, {
 *   hostname: "127.0.0.1", port: 1025, timeoutMs: 60_000,
 *   nextTransaction: () => left-- > 0 ? transaction : undefined,
 *   content: () => template.render(n),
 *   onTransactionEnd: (ended) => console.log(ended.delivered),
 * });
 * ```
 */
export async function runLoadConnection(
  session: ClientSession,
  options: LoadConnectionOptions,
): Promise<SmtpConnectionError | undefined> {
  const watchdog = new Watchdog(options.timeoutMs);
  let conn: Deno.TcpConn | undefined;
  try {
    const connecting = Deno.connect({ hostname: options.hostname, port: options.port });
    watchdog.start(() => connecting.then((late) => late.close(), () => {}));
    conn = await connecting;
    conn.setNoDelay(true);
    watchdog.start(() => closeQuietly(conn!));
    await converse(session, conn, options, watchdog);
    return undefined;
  } catch (cause) {
    const stage = conn === undefined ? "connect" : session.expecting ?? "quit";
    const where = `${options.hostname}:${options.port}`;
    const reason = watchdog.expired ? `no progress in ${options.timeoutMs} ms` : message(cause);
    return new SmtpConnectionError(stage, `${where} (${stage}): ${reason}`, { cause });
  } finally {
    watchdog.stop();
    if (conn !== undefined) closeQuietly(conn);
  }
}

/** Feeds replies to the session and carries out its steps until it is done. */
async function converse(
  session: ClientSession,
  conn: Deno.TcpConn,
  options: LoadConnectionOptions,
  watchdog: Watchdog,
): Promise<void> {
  const replies = new ReplyReader(conn, watchdog);
  const output = new StepWriter(conn, options);
  let ahead: { transaction?: MailTransaction } | undefined;
  const ask = () => ({ transaction: options.nextTransaction() });
  while (!session.done) {
    if (session.idle) {
      const last = session.transactions.at(-1);
      if (last !== undefined) options.onTransactionEnd(last);
      const transaction = ahead ? ahead.transaction : options.nextTransaction();
      const step = transaction === undefined ? session.quit() : session.next(transaction);
      await output.perform(step, ahead?.transaction !== undefined);
      ahead = undefined;
      continue;
    }
    const reply = await replies.next();
    if (reply === null && session.expecting === "quit") return; // closed after QUIT: fine
    if (reply === null) throw new Error("the server closed the connection");
    const step = session.feed(reply);
    // RFC 2920 §3.1: message content may open a group; MAIL, RCPT and DATA may follow it.
    const lookAhead = step.content && session.capabilities.pipelining && output.hasGroup;
    await output.perform(step, false, lookAhead ? () => (ahead = ask()).transaction : undefined);
  }
}

/** Whole replies off the socket: lines from a {@linkcode LineReader}, joined by a parser. */
class ReplyReader {
  readonly #lines: LineReader;
  readonly #parser = new ReplyParser();
  readonly #decoder = new TextDecoder();

  constructor(conn: Deno.TcpConn, readonly watchdog: Watchdog) {
    this.#lines = new LineReader(readerSource(conn), { maxLineLength: TEXT_LINE_LIMIT });
  }

  /** The next reply; null when the server closed the connection. */
  async next(): Promise<Reply | null> {
    for (;;) {
      const line = this.#lines.bufferedLine() ?? await this.#lines.readLine();
      if (line === null) return null;
      this.watchdog.progress();
      const reply = this.#parser.push(this.#decoder.decode(line.bytes));
      if (reply !== undefined) return reply;
    }
  }
}

/**
 * Writes each step (commands, then content) with one write, from a reused buffer. It keeps
 * the session's MAIL…DATA group as encoded, to send it again ahead of time; the session then
 * asks for the very same commands, which are not sent twice.
 */
class StepWriter {
  #buffer = new Uint8Array(INITIAL_OUTPUT);
  #length = 0;
  #group?: { lines: string[]; bytes: Uint8Array[] };
  readonly #cache: Map<string, Uint8Array>;

  constructor(readonly conn: Deno.TcpConn, readonly options: LoadConnectionOptions) {
    this.#cache = options.commandCache ?? new Map();
  }

  /** True once a pipelined MAIL…DATA group was sent, so it can go again ahead of time. */
  get hasGroup(): boolean {
    return this.#group !== undefined;
  }

  /**
   * Writes `step`: its commands unless `sentAhead` (then they must be the group already
   * sent), its content, then the group again if `lookAhead` (called after the content was
   * taken) gives the next message's transaction.
   */
  async perform(
    step: ClientStep,
    sentAhead: boolean,
    lookAhead?: () => MailTransaction | undefined,
  ): Promise<void> {
    const lines = step.commands.map(({ verb, argument }) =>
      argument === undefined ? verb : `${verb} ${argument}`
    );
    if (sentAhead) this.#checkGroup(lines);
    else {
      const bytes = step.commands.map((command, i) => this.#encode(command, lines[i]));
      for (const piece of bytes) this.#append(piece);
      if (lines[0]?.startsWith("MAIL ") && lines.at(-1) === "DATA") {
        this.#group ??= { lines, bytes };
      }
    }
    if (step.content) { for (const piece of this.options.content()) this.#append(piece); }
    if (lookAhead?.() !== undefined) {
      for (const piece of this.#group!.bytes) this.#append(piece);
    }
    if (this.#length === 0) return;
    const out = this.#buffer.subarray(0, this.#length);
    this.#length = 0;
    await writeAll(this.conn, out);
  }

  #checkGroup(lines: string[]): void {
    const group = this.#group!.lines;
    if (lines.length !== group.length || lines.some((line, i) => line !== group[i])) {
      throw new Error(`pipelined ahead ${group.join(", ")}; the session asked ${lines.join(", ")}`);
    }
  }

  #encode({ verb, argument }: ClientCommand, line: string): Uint8Array {
    let bytes = this.#cache.get(line);
    if (bytes === undefined) {
      bytes = formatCommand(verb, argument);
      if (this.#cache.size < COMMAND_CACHE_LIMIT) this.#cache.set(line, bytes);
    }
    return bytes;
  }

  #append(piece: Uint8Array): void {
    const needed = this.#length + piece.length;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(piece, this.#length);
    this.#length = needed;
  }
}

/**
 * One timer per connection: when nothing happened for `timeoutMs`, it calls the abort
 * function (which closes the socket, failing the pending read or write).
 */
class Watchdog {
  #timer?: ReturnType<typeof setInterval>;
  #last = 0;
  #abort: () => void = () => {};
  /** True once the time limit passed. */
  expired = false;

  constructor(readonly timeoutMs: number) {}

  /** Starts (or restarts) watching, with `abort` to call on expiry. */
  start(abort: () => void): void {
    this.#abort = abort;
    this.progress();
    this.#timer ??= setInterval(() => this.#check(), Math.max(1, Math.min(this.timeoutMs, 1000)));
  }

  /** Something happened: the time limit starts over. */
  progress(): void {
    this.#last = performance.now();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    if (performance.now() - this.#last < this.timeoutMs) return;
    this.expired = true;
    this.stop();
    this.#abort();
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
