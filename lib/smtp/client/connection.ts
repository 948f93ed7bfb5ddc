/**
 * The thin I/O glue of the SMTP client: it connects, reads replies into a
 * {@linkcode ClientSession} and writes what the session says: commands, the TLS handshake,
 * the content (dot-stuffed after DATA, or in BDAT chunks).
 *
 * @module
 */

import { formatCommand } from "../../wire/command.ts";
import { CrlfStream, DotStuffStream } from "../../wire/dot.ts";
import { LineReader, TEXT_LINE_LIMIT } from "../../wire/line_reader.ts";
import { type Reply, ReplyParser } from "../../wire/reply.ts";
import { contentBatches } from "./content_batches.ts";
import { ContentEcho } from "./content_echo.ts";
import { SmtpConnectionError } from "./errors.ts";
import type { ClientSession } from "./session.ts";
import type { ClientCommand, ClientStep } from "./step.ts";
import type { ClientStage, MailTransaction } from "./transaction.ts";
import type { TranscriptEvent } from "./transcript.ts";
import { ClientTransport, type TlsDetails } from "./transport.ts";

/** Where to connect and what to send. */
export interface ClientConnectionOptions {
  /** The server's host name or IP address. */
  hostname: string;
  /** The TCP port, e.g. 25, 587, or 465 for implicit TLS. */
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
  /**
   * TLS, from the start when the session is `secure` (implicit TLS) or after STARTTLS: the
   * name to verify and send as SNI (default `hostname`), the CAs to trust, or none (insecure).
   */
  tls?: { serverName?: string; caCerts?: string[]; insecure?: boolean };
  /** Time limit of the connection attempt and of each read and write, in ms; default 300 s. */
  timeoutMs?: number;
  /** Called for each transcript line as it happens. */
  onTranscript?: (event: TranscriptEvent) => void;
  /** Lines of each message's content the transcript shows before eliding the rest; default 0. */
  transcriptContentLines?: number;
}

/** How a connection went: the session (replies, failure) and where it broke, if it did. */
export interface ClientRun {
  /** The session: replies received and how it ended. */
  session: ClientSession;
  /**
   * Milliseconds since the start when each stage's reply first arrived (`connect`: connected;
   * `tls`: the handshake done).
   */
  timings: Partial<Record<ClientStage | "connect" | "tls", number>>;
  /** Milliseconds the whole run took. */
  totalMs: number;
  /** What the TLS handshake showed, when there was one. */
  tls?: TlsDetails;
  /** Set when the connection failed before the session ended. */
  error?: SmtpConnectionError;
}

/** RFC 5321 §4.5.3.2: timeouts of several minutes; one limit per read or write. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 300_000;

/** BDAT chunks gather the content's pieces up to about this many octets (RFC 3030 §2). */
export const BDAT_CHUNK_OCTETS = 1024 * 1024;

/**
 * Runs `session` over a TCP connection to `hostname:port` (TLS from the start when the
 * session is `secure`). Never throws for network trouble: a refused connection, a failed
 * handshake, a timeout or a server that hangs up comes back as `error`.
 *
 * @example
 * ```ts ignore
 * const session = new ClientSession({ clientName: "me.test", transactions: [transaction] });
 * const run = await runClientSession(session, {
 *   hostname: "127.0.0.1", port: 1025,
 *   content: () => ReadableStream.from([new TextEncoder().encode("Subject: hi\r\n\r\nhi\r\n")]),
 * });
 * run.session.transactions[0].finalReply?.code; // 250
 * ```
 */
export async function runClientSession(
  session: ClientSession,
  options: ClientConnectionOptions,
): Promise<ClientRun> {
  const start = performance.now();
  const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
  const emit = (event: Omit<TranscriptEvent, "elapsedMs">) =>
    options.onTranscript?.({ ...event, elapsedMs: elapsed() });
  const run: ClientRun = { session, timings: {}, totalMs: 0 };
  const io = await connect(session, options, emit);
  if (io instanceof SmtpConnectionError) {
    run.error = io;
  } else {
    run.timings.connect = elapsed();
    if (io.tls) (run.tls = io.tls, run.timings.tls = elapsed());
    await converse(run, io, options, elapsed).catch((cause) => {
      const stage = session.expecting ?? "quit";
      run.error = cause instanceof SmtpConnectionError
        ? cause
        : new SmtpConnectionError(stage, `the connection broke (at ${stage}): ${text(cause)}`, {
          cause,
        });
    });
    io.close();
  }
  if (run.error) emit({ direction: "error", text: run.error.message });
  run.totalMs = elapsed();
  return run;
}

type Emit = (event: Omit<TranscriptEvent, "elapsedMs">) => void;

/** The connection (TLS first for a `secure` session), or why there is none. */
async function connect(
  session: ClientSession,
  options: ClientConnectionOptions,
  emit: Emit,
): Promise<ClientIo | SmtpConnectionError> {
  const { hostname, port } = options;
  const tls = session.secure ? tlsOptions(options) : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
  const connecting = ClientTransport.connect(hostname, port, tls);
  try {
    const transport = await withTimeout(connecting, timeoutMs, () => {
      connecting.then((late) => late.close(), () => {}); // a connection made too late is dropped
    });
    emit({ direction: "connect", text: `connected to ${hostname}:${port}` });
    const io = new ClientIo(transport, timeoutMs, emit, options.transcriptContentLines ?? 0);
    if (transport.tls) emit({ direction: "tls", text: describeTls(transport.tls), tls: true });
    return io;
  } catch (cause) {
    const how = tls ? "cannot connect with TLS to" : "cannot connect to";
    return new SmtpConnectionError("connect", `${how} ${hostname}:${port}: ${text(cause)}`, {
      cause,
    });
  }
}

/** Reads replies and carries out the session's steps until it is done. */
async function converse(
  run: ClientRun,
  io: ClientIo,
  options: ClientConnectionOptions,
  elapsed: () => number,
): Promise<void> {
  const { session } = run;
  const perform = async (step: ClientStep): Promise<void> => {
    if (step.startTls) {
      run.tls = await io.startTls(tlsOptions(options));
      run.timings.tls ??= elapsed();
    }
    if (step.commands.length > 0) await io.writeCommands(step.commands);
    const transaction = session.transactions.at(-1)?.transaction;
    if (step.content === undefined || transaction === undefined) return;
    const content = await options.content(transaction);
    if (step.content === "data") return await io.writeContent(content);
    await perform(await io.writeChunks(session, content));
  };
  while (!session.done) {
    if (session.idle) {
      const next = await options.nextTransaction?.();
      await perform(next === undefined ? session.quit() : session.next(next));
      continue;
    }
    const stage = session.expecting!;
    const reply = await io.readReply(stage);
    if (reply === null) break; // the server hung up after QUIT: done
    run.timings[stage] ??= elapsed();
    await perform(session.feed(reply));
  }
}

function tlsOptions(options: ClientConnectionOptions) {
  return { serverName: options.hostname, ...options.tls };
}

/** One line on a handshake: version, cipher, whether the certificate was verified, SNI. */
function describeTls(tls: TlsDetails): string {
  const suite = [tls.version, tls.cipher].filter(Boolean).join(" ") || "TLS";
  const verified = tls.verified
    ? "certificate verified"
    : `certificate NOT verified (${tls.verifyError ?? "--insecure"})`;
  return `TLS started: ${suite}, ${verified}${tls.sni ? `, SNI ${tls.sni}` : ""}`;
}

/** Reads replies from and writes commands to one connection, each step under the time limit. */
class ClientIo {
  readonly #reader: LineReader;
  readonly #parser = new ReplyParser();
  readonly #decoder = new TextDecoder();
  #secure: boolean;

  constructor(
    readonly transport: ClientTransport,
    readonly timeoutMs: number,
    readonly emit: Emit,
    readonly contentLines: number,
  ) {
    // RFC 5321 §4.5.3.1.5: reply lines are at most 512 octets; accept up to a text line's.
    this.#reader = new LineReader(transport, { maxLineLength: TEXT_LINE_LIMIT });
    this.#secure = transport.tls !== undefined;
  }

  get tls(): TlsDetails | undefined {
    return this.transport.tls;
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
      this.emit({ direction: "receive", text, tls: this.#secure });
      const reply = this.#parser.push(text);
      if (reply !== undefined) return reply;
    }
  }

  /** Runs the TLS handshake on this connection, after the server's 220 to STARTTLS. */
  async startTls(options: { serverName: string }): Promise<TlsDetails> {
    try {
      // RFC 3207 §6: anything the server sent past its 220 would be taken as TLS-protected.
      if (this.#reader.buffered > 0) throw new Error("the server sent data after its 220");
      const details = await this.#timed(this.transport.startTls(options));
      this.#secure = true;
      this.emit({ direction: "tls", text: describeTls(details), tls: true });
      return details;
    } catch (cause) {
      throw new SmtpConnectionError("starttls", `TLS handshake failed: ${text(cause)}`, {
        cause,
      });
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
      this.#emitCommand(commands[i]);
    }
    await this.#timed(this.transport.write(bytes));
  }

  /** Streams the content dot-stuffed (RFC 5321 §4.5.2), then the end-of-data line. */
  async writeContent(content: ReadableStream<Uint8Array>): Promise<void> {
    let octets = 0;
    const echo = this.#echo();
    for await (const chunk of content.pipeThrough(new DotStuffStream())) {
      octets += chunk.length;
      echo?.push(chunk);
      await this.#timed(this.transport.write(chunk));
    }
    this.#endContent(echo, `${octets} octets of message content, dot-stuffed, and "."`);
  }

  /**
   * Sends the content as BDAT chunks (RFC 3030 §2), each answered before the next goes; the
   * step after the last chunk's command, or after a refused chunk.
   */
  async writeChunks(session: ClientSession, content: ReadableStream<Uint8Array>) {
    // A file with LF line ends still goes out as CRLF lines, as over DATA.
    const lines = content.pipeThrough(new CrlfStream());
    for await (const batch of contentBatches(lines, BDAT_CHUNK_OCTETS)) {
      const command = session.chunk(batch.size, batch.last);
      await this.writeCommands([command]);
      const echo = this.#echo();
      for (const piece of batch.pieces) {
        echo?.push(piece);
        await this.#timed(this.transport.write(piece));
      }
      this.#endContent(echo, `${batch.size} octets of message content`);
      if (batch.last) break;
      const step = session.feed((await this.readReply("bdat"))!);
      if (step.content !== "bdat") return step;
    }
    return { commands: [], close: false };
  }

  close(): void {
    this.#reader.cancel().catch(() => {});
  }

  #emitCommand({ verb, argument, masked }: ClientCommand): void {
    const line = argument === undefined ? verb : `${verb} ${argument}`;
    const secret = masked === undefined ? {} : { secret: line };
    this.emit({ direction: "send", text: masked ?? line, ...secret, tls: this.#secure });
  }

  /** A content echo for the transcript, when it shows content lines. */
  #echo(): ContentEcho | undefined {
    if (this.contentLines === 0) return undefined;
    return new ContentEcho(this.contentLines, (text) => this.#emitContent(text));
  }

  #endContent(echo: ContentEcho | undefined, summary: string): void {
    echo?.finish();
    this.#emitContent(echo?.elided ? `... (elided) ${summary}` : summary);
  }

  #emitContent(text: string): void {
    this.emit({ direction: "content", text, tls: this.#secure });
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
