/**
 * A tiny raw TCP client for end-to-end tests of `postie serve`: writes exact bytes (whole or
 * one byte per write) and reads replies with its own small parser, independent of lib/wire,
 * so the server is checked against something it does not share code with.
 *
 * @module
 */

/** One SMTP reply as read off the wire (RFC 5321 §4.2). */
export interface RawReply {
  code: number;
  /** The text of each line, after the code and its separator. */
  lines: string[];
}

/** Options of {@link RawClient.connect}. */
export interface RawClientOptions {
  /** Default time allowed for {@link RawClient.readReplies} and {@link RawClient.closed}, in ms. */
  timeoutMs?: number;
}

/** The server did not answer in time; the message holds what was read so far. */
export class RawClientTimeoutError extends Error {
  override name = "RawClientTimeoutError";
}

const encoder = new TextEncoder();
// RFC 5321 §4.2: "ddd-text" continues a reply, "ddd text" (or "ddd") ends it.
const REPLY_LINE = /^(\d{3})([ -]?)(.*)$/;

/**
 * A raw SMTP client connection: bytes out, reply lines in.
 *
 * @example
 * ```ts
 * const client = await RawClient.connect(2525);
 * await client.readReplies(1);                         // the 220 greeting
 * (await client.command("NOOP")).code;                 // 250
 * await client.write("EHLO c.test\r\nQUIT\r\n");
 * const [ehlo, quit] = await client.readReplies(2);   // 250, 221
 * await client.closed();
 * ```
 */
export class RawClient {
  /** Everything the server sent, decoded as UTF-8. */
  transcript = "";
  readonly #conn: Deno.TcpConn;
  readonly #timeoutMs: number;
  readonly #reading: Promise<void>;
  #consumed = 0;
  #eof = false;
  #wake: () => void = () => {};

  private constructor(conn: Deno.TcpConn, timeoutMs: number) {
    this.#conn = conn;
    this.#timeoutMs = timeoutMs;
    this.#reading = this.#pump();
  }

  /** Connects to `127.0.0.1:port`. */
  static async connect(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new RawClient(conn, options.timeoutMs ?? 5_000);
  }

  /** True once the server closed the connection. */
  get eof(): boolean {
    return this.#eof;
  }

  /** Writes all of `data` (a string is UTF-8 encoded) in as few writes as the kernel allows. */
  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  /** Writes one command line (CRLF added) and reads its one reply. */
  async command(line: string): Promise<RawReply> {
    await this.write(`${line}\r\n`);
    return (await this.readReplies(1))[0];
  }

  /** Writes `data` one byte per write, waiting `delayMs` between writes (0: only a tick). */
  async writeBytewise(data: string | Uint8Array, delayMs = 0): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    for (let i = 0; i < bytes.length; i++) {
      await this.write(bytes.subarray(i, i + 1));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  /**
   * Reads the next `count` whole replies (each ends at its final line). Throws
   * {@link RawClientTimeoutError} if they do not all come within `timeoutMs`, or if the
   * server closes first.
   */
  async readReplies(count: number, timeoutMs = this.#timeoutMs): Promise<RawReply[]> {
    const replies: RawReply[] = [];
    await this.#until(timeoutMs, () => {
      while (replies.length < count) {
        const reply = this.#nextReply();
        if (!reply) return false;
        replies.push(reply);
      }
      return true;
    }, () => `${replies.length} of ${count} replies`);
    return replies;
  }

  /** Resolves once the server closed the connection; throws if it does not within the time. */
  async closed(timeoutMs = this.#timeoutMs): Promise<void> {
    await this.#until(timeoutMs, () => this.#eof, () => "the server to close");
  }

  /** Closes the connection (if still open) and waits for the reader to stop. */
  async close(): Promise<void> {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    await this.#reading;
  }

  /** Takes one whole reply off the unread transcript, or undefined if none is complete. */
  #nextReply(): RawReply | undefined {
    const lines: string[] = [];
    let at = this.#consumed;
    while (true) {
      const end = this.transcript.indexOf("\r\n", at);
      if (end === -1) return undefined;
      const match = REPLY_LINE.exec(this.transcript.slice(at, end));
      if (!match) throw new Error(`not a reply line: ${JSON.stringify(this.transcript.slice(at))}`);
      lines.push(match[3]);
      at = end + 2;
      if (match[2] !== "-") {
        this.#consumed = at;
        return { code: Number(match[1]), lines };
      }
    }
  }

  async #until(timeoutMs: number, done: () => boolean, what: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (this.#eof || left <= 0) {
        const why = this.#eof ? "the server closed the connection" : `${timeoutMs} ms passed`;
        throw new RawClientTimeoutError(
          `waiting for ${what()}: ${why}; transcript:\n${this.transcript}`,
        );
      }
      const { promise, resolve } = Promise.withResolvers<void>();
      this.#wake = resolve;
      const timer = setTimeout(resolve, left);
      await promise;
      clearTimeout(timer);
    }
  }

  async #pump(): Promise<void> {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        this.transcript += decoder.decode(buffer.subarray(0, n), { stream: true });
        this.#wake();
      }
    } catch {
      // A reset or a local close ends the reading like an EOF.
    }
    this.#eof = true;
    this.#wake();
  }
}
