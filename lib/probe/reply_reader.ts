/**
 * SMTP replies read from a `node:net` socket, one whole reply at a time, until the caller
 * detaches the reader (after a 220 to STARTTLS the same socket carries TLS).
 *
 * @module
 */

import type { Socket } from "node:net";
import { type Reply, ReplyParser } from "../wire/reply.ts";

/** Most reply text buffered without a line end before the peer counts as broken. */
export const REPLY_BUFFER_LIMIT = 65_536;

/** The peer closed, failed or sent something that is not an SMTP reply. */
export class ReplyReadError extends Error {
  /** Creates the error with a reason a user can act on. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReplyReadError";
  }
}

/**
 * Collects replies from a socket as they arrive; `read()` resolves with the next one.
 *
 * @example
 * ```ts
 * import net from "node:net";
 * const socket = net.connect({ host: "127.0.0.1", port: 25 });
 * const replies = new ReplyReader(socket);
 * const banner = await replies.read(); // { code: 220, lines: ["mx.example ESMTP"] }
 * replies.detach();
 * socket.destroy();
 * ```
 */
export class ReplyReader {
  readonly #socket: Socket;
  readonly #parser = new ReplyParser();
  readonly #decoder = new TextDecoder();
  readonly #replies: Reply[] = [];
  #text = "";
  #failure: Error | undefined;
  #waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;

  /** Starts reading `socket`. */
  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", this.#onData);
    socket.on("error", this.#onError);
    socket.on("end", this.#onEnd);
  }

  /** The next whole reply; rejects with {@linkcode ReplyReadError} if none can come. */
  read(): Promise<Reply> {
    const reply = this.#replies.shift();
    if (reply) return Promise.resolve(reply);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiting = { resolve, reject });
  }

  /** Stops reading: the socket's next bytes belong to someone else (a TLS handshake). */
  detach(): void {
    this.#socket.off("data", this.#onData);
    this.#socket.off("error", this.#onError);
    this.#socket.off("end", this.#onEnd);
  }

  #onData = (chunk: Uint8Array): void => {
    this.#text += this.#decoder.decode(chunk, { stream: true });
    let end: number;
    try {
      while ((end = this.#text.indexOf("\n")) >= 0) {
        // RFC 5321 §2.3.8: lines end in CRLF; a bare LF is tolerated when reading.
        const line = this.#text.slice(0, this.#text[end - 1] === "\r" ? end - 1 : end);
        this.#text = this.#text.slice(end + 1);
        const reply = this.#parser.push(line);
        if (reply) this.#deliver(reply);
      }
    } catch (error) {
      this.#fail(new ReplyReadError((error as Error).message, { cause: error }));
    }
    if (this.#text.length > REPLY_BUFFER_LIMIT) {
      this.#fail(new ReplyReadError(`no line end in ${REPLY_BUFFER_LIMIT} characters`));
    }
  };

  #onError = (error: Error): void =>
    this.#fail(new ReplyReadError(error.message, { cause: error }));

  #onEnd = (): void => this.#fail(new ReplyReadError("the server closed the connection"));

  #deliver(reply: Reply): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting.resolve(reply);
    else this.#replies.push(reply);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#text = "";
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(this.#failure);
  }
}
