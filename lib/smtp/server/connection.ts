import {
  DotUnstuffer,
  encodeReply,
  LineReader,
  LineTooLongError,
  readChunk,
  readerSource,
  type Reply,
  UnexpectedEofError,
} from "../../wire/mod.ts";
import { concatBytes } from "../../wire/bytes.ts";
import { writeAll } from "../../wire/write_all.ts";
import type { ClientInfo, Envelope } from "./envelope.ts";
import type { SessionLimits } from "./limits.ts";
import { ServerSession, type SessionPolicy, type Step } from "./session.ts";

/** A message received whole, handed to the store. */
export interface IncomingMessage {
  /** The transaction's reverse-path, forward-paths and parameters (RFC 5321 §3.3). */
  envelope: Envelope;
  /** The client that sent it. */
  client: ClientInfo;
  /** The client's name by reverse DNS, if it has one. */
  clientName?: string;
  /** The content as received, dot-unstuffed (and bare newlines normalised), in pieces. */
  content: Uint8Array[];
  /** The content's length in octets. */
  size: number;
}

/** Why a store failed: the session answers 452 4.3.1 for a full disk, 451 4.3.0 otherwise. */
export class StoreError extends Error {
  /** The error class name. */
  override name = "StoreError";
  /**
   * A failed store, by reason.
   *
   * @param reason "disk-full" for no space (452 4.3.1, RFC 3463 §3.4), "io" for any other failure
   * @param options the underlying error as `cause`
   */
  constructor(readonly reason: "disk-full" | "io", options?: ErrorOptions) {
    super(`cannot store message: ${reason}`, options);
  }
}

/** Where accepted messages go; `store` resolves with a queue id only once the message is durable. */
export interface MessageStore {
  /** Stores a message; resolves with its queue id once durable, rejects with a StoreError. */
  store(message: IncomingMessage): Promise<string>;
}

/** The timeouts of RFC 5321 §4.5.3.2, in ms, each shortenable for tests. */
export interface SessionTimeouts {
  /** Waiting for the next command (§4.5.3.2.7: at least 5 minutes). */
  command: number;
  /** Waiting for the next block of DATA or BDAT content (§4.5.3.2.5: 3 minutes). */
  dataBlock: number;
  /** The whole content of one message, so a trickling client cannot hold a session forever. */
  dataTotal: number;
}

/** What a connection reports when a message ends (accepted or refused) and when it closes. */
export type ConnectionEvent =
  | {
    kind: "message";
    /** The client that sent the message. */
    client: ClientInfo;
    /** The transaction the message belongs to. */
    envelope: Envelope;
    /** The content's length in octets. */
    size: number;
    /** The queue id, when the message was accepted. */
    queueId?: string;
    /** The final reply to the content (250 for accepted). */
    reply: Reply;
    /** From the start of the content (DATA or the first BDAT) to the final reply. */
    durationMs: number;
  }
  | {
    kind: "connection";
    /** The client that was connected. */
    client: ClientInfo;
    /** Messages accepted during the connection. */
    messages: number;
    /** From connect to close. */
    durationMs: number;
    /** How the connection ended. */
    end: "quit" | "eof" | "timeout" | "errors" | "shutdown" | "reset";
  };

/** Everything a connection needs from the listener. */
export interface ConnectionContext {
  /** This server's name, for the greeting and the Received field (RFC 5321 §4.1.3, §4.4). */
  hostname: string;
  /** Per-session limits (RFC 5321 §4.5.3.1). */
  limits: SessionLimits;
  /** Per-session timeouts (RFC 5321 §4.5.3.2). */
  timeouts: SessionTimeouts;
  /** The longest command line accepted, in octets, CRLF included (RFC 5321 §4.5.3.1.4). */
  maxLineLength: number;
  /** Where accepted messages go. */
  store: MessageStore;
  /** Which envelopes the session accepts; everything when absent. */
  policy?: SessionPolicy;
  /** Reverse DNS for the client's address; started at connect, awaited only when storing. */
  lookupName(address: string): Promise<string | undefined>;
  /** Called when a message ends and when the connection closes. */
  onEvent(event: ConnectionEvent): void;
}

const READ_SIZE = 64 * 1024;

/**
 * The thin glue between one TCP connection and a {@link ServerSession}: reads lines and content,
 * feeds the machine, writes its replies. Replies are held while more pipelined input is already
 * buffered and flushed when the client must be waiting (RFC 2920 §3.2).
 */
export class SmtpConnection {
  /** The session machine this connection drives. */
  readonly session: ServerSession;
  /** When the current wait for the client times out (ms since the epoch); the listener checks. */
  deadline: number = Infinity;
  readonly #conn: Deno.Conn;
  readonly #reader: LineReader;
  readonly #context: ConnectionContext;
  readonly #clientName: Promise<string | undefined>;
  readonly #started = Date.now();
  #output: Reply[] = [];
  #draining = false;
  #end: (ConnectionEvent & { kind: "connection" })["end"] = "eof";
  /** Content of the message being read (one DATA body, or the BDAT chunks so far). */
  #chunks: Uint8Array[] = [];
  #transactionStart = 0;
  /** When the whole content of the message being read must be in; Infinity between messages. */
  #contentDeadline = Infinity;
  /** The envelope whose content is being read, to log it if the content is refused. */
  #refusable: Envelope | undefined;

  /** Wraps an accepted connection; nothing is read or written until it runs. */
  constructor(conn: Deno.Conn, context: ConnectionContext) {
    const remote = conn.remoteAddr as Deno.NetAddr;
    this.#conn = conn;
    this.#context = context;
    this.#reader = new LineReader(readerSource(conn), { maxLineLength: context.maxLineLength });
    this.session = new ServerSession(
      context.hostname,
      { address: remote.hostname, port: remote.port },
      context.limits,
      context.policy,
    );
    this.#clientName = context.lookupName(remote.hostname).catch(() => undefined);
  }

  /** Serves the session until QUIT, EOF, a timeout or shutdown; never throws. */
  async run(): Promise<void> {
    try {
      this.#output.push(this.session.greeting());
      await this.#flush();
      while (await this.#nextCommand());
    } catch (error) {
      // A reset or closed socket ends the session; anything acknowledged is already durable.
      if (this.#end === "eof" && !(error instanceof UnexpectedEofError)) this.#end = "reset";
    } finally {
      this.deadline = Infinity;
      this.#close();
      this.#context.onEvent({
        kind: "connection",
        client: this.session.client,
        messages: this.session.messages,
        durationMs: Date.now() - this.#started,
        end: this.#end,
      });
    }
  }

  /** The client was silent too long: 421 and close (RFC 5321 §4.5.3.2). */
  timeout(): void {
    this.#end = "timeout";
    this.#abort(this.session.timeout());
  }

  /**
   * The server is stopping: an idle session gets 421 now; one in a transaction may finish it
   * and gets 421 after. `force` ends every session now.
   */
  shutdown(force: boolean): void {
    this.#draining = true;
    if (force || !this.session.inTransaction) {
      this.#end = "shutdown";
      this.#abort(this.session.shutdown());
    }
  }

  async #nextCommand(): Promise<boolean> {
    if (this.#draining && !this.session.inTransaction) {
      this.#end = "shutdown";
      this.#output.push(...this.session.shutdown().replies);
      await this.#flush();
      return false;
    }
    if (this.#reader.buffered === 0) await this.#flush();
    // Between BDAT chunks the client is still sending one message: its total time runs on.
    this.deadline = Math.min(Date.now() + this.#context.timeouts.command, this.#contentDeadline);
    let step: Step;
    try {
      const line = this.#reader.bufferedLine() ?? await this.#reader.readLine();
      if (line === null) return false;
      step = this.session.command(line.bytes, line.crlf);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      step = this.session.lineTooLong();
    }
    return await this.#follow(step);
  }

  /** Does what the session asked, feeding each outcome back, until it wants the next command. */
  async #follow(step: Step): Promise<boolean> {
    while (true) {
      this.#output.push(...step.replies);
      const next = step.next;
      switch (next.kind) {
        case "command":
          // RFC 3030 §2: a transaction ended (stored, refused, RSET) takes its chunks with it.
          if (!this.session.inTransaction) this.#endContent();
          return true;
        case "close":
          if (this.#end === "eof") {
            this.#end = this.#output.at(-1)?.code === 221 ? "quit" : "errors";
          }
          await this.#flush();
          return false;
        case "data":
          this.#startContent();
          this.#refusable = this.session.envelope;
          await this.#flush();
          step = this.session.dataComplete(await this.#readData());
          break;
        case "chunk":
          if (this.#contentDeadline === Infinity) this.#startContent();
          this.#refusable = this.session.envelope;
          await this.#readChunk(next.size, next.discard);
          step = this.session.chunkComplete(next);
          break;
        case "store":
          this.deadline = Infinity; // storing is the server's time, not the client's
          step = await this.#store(next.envelope);
          break;
      }
      if (next.kind !== "store" && step.next.kind === "command" && step.replies[0]?.code >= 500) {
        // The content was refused (size, bare newlines, BDAT out of sequence): its clock stops,
        // and the transaction that ended here is logged.
        this.#endContent();
        if (next.kind === "data" || next.last) this.#reportRefusal(step.replies[0]);
      }
    }
  }

  async #readData() {
    const decoder = new DotUnstuffer();
    const maxSize = this.#context.limits.maxMessageSize;
    let size = 0;
    while (true) {
      this.#extendDeadline();
      const chunk = await this.#reader.read(READ_SIZE);
      if (chunk === null) throw new UnexpectedEofError("connection closed during DATA");
      const { data, done, rest } = decoder.push(chunk);
      for (const piece of data) {
        size += piece.length;
        // RFC 1870 §6.3: past the limit, read on to the end but keep nothing.
        if (size <= maxSize) this.#chunks.push(piece);
      }
      if (done) {
        if (rest.length > 0) this.#reader.unread(rest);
        return { size, bareNewlines: decoder.bareNewlines };
      }
    }
  }

  async #readChunk(size: number, discard: boolean): Promise<void> {
    this.#extendDeadline();
    for await (const piece of readChunk(this.#reader, size)) {
      if (!discard) this.#chunks.push(piece);
      this.#extendDeadline();
    }
  }

  /** A message's content begins (DATA, or the first BDAT chunk): its total time starts. */
  #startContent(): void {
    this.#transactionStart = Date.now();
    this.#contentDeadline = this.#transactionStart + this.#context.timeouts.dataTotal;
  }

  #endContent(): void {
    this.#chunks = [];
    this.#contentDeadline = Infinity;
  }

  /** Content arrived: wait one more data block (RFC 5321 §4.5.3.2.5), within the total time. */
  #extendDeadline(): void {
    this.deadline = Math.min(Date.now() + this.#context.timeouts.dataBlock, this.#contentDeadline);
  }

  async #store(envelope: Envelope): Promise<Step> {
    const content = this.#chunks;
    this.#chunks = [];
    let size = 0;
    for (const piece of content) size += piece.length;
    let step: Step;
    let queueId: string | undefined;
    try {
      queueId = await this.#context.store.store({
        envelope,
        client: { ...this.session.client },
        clientName: await this.#clientName,
        content,
        size,
      });
      step = this.session.stored(queueId);
    } catch (error) {
      step = this.session.storeFailed(error instanceof StoreError ? error.reason : "io");
    }
    this.#context.onEvent({
      kind: "message",
      client: this.session.client,
      envelope,
      size,
      queueId,
      reply: step.replies[0],
      durationMs: Date.now() - this.#transactionStart,
    });
    return step;
  }

  #reportRefusal(reply: Reply): void {
    const envelope = this.#refusable;
    if (!envelope) return;
    this.#context.onEvent({
      kind: "message",
      client: this.session.client,
      envelope,
      size: 0,
      reply,
      durationMs: Date.now() - this.#transactionStart,
    });
  }

  async #flush(): Promise<void> {
    if (this.#output.length === 0) return;
    const replies = this.#output;
    this.#output = [];
    await writeAll(this.#conn, encodeReplies(replies));
  }

  #abort(step: Step): void {
    this.deadline = Infinity;
    const bytes = encodeReplies(step.replies);
    // Best effort: the client may be gone. Closing makes the pending read end the session.
    this.#conn.write(bytes).catch(() => {}).finally(() => this.#close());
  }

  #close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** Wire encodings of the frozen replies (Replies' fixed ones), made once per process. */
const fixedEncodings = new WeakMap<Reply, Uint8Array>();

function encodeOne(reply: Reply): Uint8Array {
  if (!Object.isFrozen(reply)) return encodeReply(reply);
  let bytes = fixedEncodings.get(reply);
  if (!bytes) fixedEncodings.set(reply, bytes = encodeReply(reply));
  return bytes;
}

function encodeReplies(replies: Reply[]): Uint8Array {
  return concatBytes(replies.map(encodeOne));
}
