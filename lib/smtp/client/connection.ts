/**
 * The thin I/O glue of the SMTP client: it connects, reads replies into a
 * {@linkcode ClientSession} and writes what the session says, streaming the content.
 *
 * @module
 */

import { formatCommand } from "../../wire/command.ts";
import { readerSource } from "../../wire/chunk_source.ts";
import { DotStuffStream } from "../../wire/dot.ts";
import { LineReader, TEXT_LINE_LIMIT } from "../../wire/line_reader.ts";
import { type Reply, ReplyParser } from "../../wire/reply.ts";
import { writeAll } from "../../wire/write_all.ts";
import { SmtpConnectionError } from "./errors.ts";
import type { ClientSession } from "./session.ts";
import type { ClientCommand, ClientStep } from "./step.ts";
import type { ClientStage, MailTransaction } from "./transaction.ts";
import type { TranscriptDirection, TranscriptEvent } from "./transcript.ts";

/** Where to connect and what to send. */
export interface ClientConnectionOptions {
  /** The server's host name or IP address. */
  hostname: string;
  /** The TCP port, e.g. 25 or 587. */
  port: number;
  /** Opens a transaction's content when the server is ready for it (read once, in chunks). */
  content: (
    transaction: MailTransaction,
  ) => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>;
  /**
   * For a `keepOpen` session: called each time it is idle (its transactions so far are over);
   * the transaction to run next, or undefined to QUIT. Without it an idle session QUITs.
   */
  nextTransaction?: () => MailTransaction | undefined | Promise<MailTransaction | undefined>;
  /** Time limit of the connection attempt and of each read and write, in ms; default 300 s. */
  timeoutMs?: number;
  /** Called for each transcript line as it happens. */
  onTranscript?: (event: TranscriptEvent) => void;
}

/** How a connection went: the session (replies, failure) and where it broke, if it did. */
export interface ClientRun {
  /** The session: replies received and how it ended. */
  session: ClientSession;
  /** Milliseconds since the start when each stage's reply first arrived (`connect`: connected). */
  timings: Partial<Record<ClientStage | "connect", number>>;
  /** Milliseconds the whole run took. */
  totalMs: number;
  /** Set when the connection failed before the session ended. */
  error?: SmtpConnectionError;
}

/** RFC 5321 §4.5.3.2: timeouts of several minutes; one limit per read or write. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 300_000;

/**
 * Runs `session` over a TCP connection to `hostname:port`. Never throws for network trouble:
 * a refused connection, a timeout or a server that hangs up comes back as `error`.
 *
 * @example
 * ```ts ignore
 * const session = new ClientSession({ clientName: "me.test", transaction });
 * const run = await runClientSession(session, {
 *   hostname: "127.0.0.1", port: 1025,
 *   content: () => ReadableStream.from([new TextEncoder().encode("Subject: hi\r\n\r\nhi\r\n")]),
 * });
 * run.session.finalReply?.code; // 250
 * ```
 */
export async function runClientSession(
  session: ClientSession,
  options: ClientConnectionOptions,
): Promise<ClientRun> {
  const start = performance.now();
  const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
  const emit = (direction: TranscriptDirection, text: string) =>
    options.onTranscript?.({ direction, text, elapsedMs: elapsed() });
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
  const run: ClientRun = { session, timings: {}, totalMs: 0 };
  let conn: Deno.TcpConn;
  try {
    const connecting = Deno.connect({ hostname: options.hostname, port: options.port });
    conn = await withTimeout(connecting, timeoutMs, () => {
      connecting.then((late) => late.close(), () => {}); // a connection made too late is dropped
    });
  } catch (cause) {
    const where = `${options.hostname}:${options.port}`;
    run.error = new SmtpConnectionError("connect", `cannot connect to ${where}: ${text(cause)}`, {
      cause,
    });
    emit("error", run.error.message);
    run.totalMs = elapsed();
    return run;
  }
  run.timings.connect = elapsed();
  emit("connect", `connected to ${options.hostname}:${options.port}`);
  const io = new ClientIo(conn, timeoutMs, emit);
  const perform = async (step: ClientStep) => {
    if (step.commands.length > 0) await io.writeCommands(step.commands);
    const transaction = session.transactions.at(-1)?.transaction;
    if (step.content && transaction) await io.writeContent(await options.content(transaction));
  };
  try {
    while (!session.done) {
      if (session.idle) {
        const next = await options.nextTransaction?.();
        await perform(next === undefined ? session.quit() : session.next(next));
        continue;
      }
      const stage = session.expecting ?? "quit";
      const reply = await io.readReply(stage);
      if (reply === null) break; // the server hung up after QUIT: done
      run.timings[stage] ??= elapsed();
      await perform(session.feed(reply));
    }
  } catch (cause) {
    run.error = cause instanceof SmtpConnectionError
      ? cause
      : new SmtpConnectionError(session.expecting ?? "quit", text(cause), { cause });
    emit("error", run.error.message);
  } finally {
    io.close();
  }
  run.totalMs = elapsed();
  return run;
}

/** Reads replies from and writes commands to one connection, each step under the time limit. */
class ClientIo {
  readonly #reader: LineReader;
  readonly #parser = new ReplyParser();
  readonly #decoder = new TextDecoder();

  constructor(
    readonly conn: Deno.TcpConn,
    readonly timeoutMs: number,
    readonly emit: (direction: TranscriptDirection, text: string) => void,
  ) {
    // RFC 5321 §4.5.3.1.5: reply lines are at most 512 octets; accept up to a text line's.
    this.#reader = new LineReader(readerSource(conn), { maxLineLength: TEXT_LINE_LIMIT });
  }

  /** The next whole reply; null if the server closed while the session waited for QUIT's. */
  async readReply(stage: ClientStage): Promise<Reply | null> {
    for (;;) {
      const line = await this.#timed(this.#reader.readLine());
      if (line === null) {
        if (stage === "quit" && !this.#parser.pending) return null;
        throw new SmtpConnectionError(
          stage,
          `the server closed the connection (waiting: ${stage})`,
        );
      }
      const text = this.#decoder.decode(line.bytes);
      this.emit("receive", text);
      const reply = this.#parser.push(text);
      if (reply !== undefined) return reply;
    }
  }

  /** Writes the commands in one write: a pipelined group goes out in one segment. */
  async writeCommands(commands: ClientCommand[]): Promise<void> {
    const lines = commands.map((c) => formatCommand(c.verb, c.argument));
    const bytes = new Uint8Array(lines.reduce((n, line) => n + line.length, 0));
    let at = 0;
    for (const [i, line] of lines.entries()) {
      bytes.set(line, at);
      at += line.length;
      const { verb, argument } = commands[i];
      this.emit("send", argument === undefined ? verb : `${verb} ${argument}`);
    }
    await this.#timed(writeAll(this.conn, bytes));
  }

  /** Streams the content dot-stuffed (RFC 5321 §4.5.2), then the end-of-data line. */
  async writeContent(content: ReadableStream<Uint8Array>): Promise<void> {
    let octets = 0;
    for await (const chunk of content.pipeThrough(new DotStuffStream())) {
      octets += chunk.length;
      await this.#timed(writeAll(this.conn, chunk));
    }
    this.emit("content", `${octets} octets of message content, dot-stuffed, and "."`);
  }

  close(): void {
    this.#reader.cancel().catch(() => {});
  }

  #timed<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.timeoutMs, () => this.close());
  }
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no progress in ${ms} ms`);
    this.name = "TimeoutError";
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TimeoutError(ms));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
