/**
 * The byte pipe under a client session: TCP (`node:net`), TLS from the start (implicit TLS,
 * RFC 8314 §3.3) or after STARTTLS (RFC 3207 §4), and what the TLS handshake showed.
 *
 * @module
 */

import net from "node:net";
import tls from "node:tls";
import type { ChunkSource } from "../../wire/chunk_source.ts";

/** How to run TLS: the name to ask for and verify, and what to trust. */
export interface ClientTlsOptions {
  /** The server's host name: sent as SNI and checked against its certificate. */
  serverName: string;
  /** PEM certificates to trust instead of the default root store (`--ca`). */
  caCerts?: string[];
  /** Accept any certificate (`--insecure`): the session is encrypted but not authenticated. */
  insecure?: boolean;
}

/** What a TLS handshake showed (`version` and `cipher` as OpenSSL names them). */
export interface TlsDetails {
  /** The protocol version, e.g. `TLSv1.3`. */
  version?: string;
  /** The cipher suite, e.g. `TLS_AES_256_GCM_SHA384`. */
  cipher?: string;
  /** True when the certificate chain and name were verified. */
  verified: boolean;
  /** Why the certificate did not verify (with `insecure`), e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  verifyError?: string;
  /** The name sent as SNI; absent for an address, which SNI cannot carry (RFC 6066 §3). */
  sni?: string;
}

/**
 * One connection's byte pipe. Reading is pulled ({@linkcode ChunkSource}); the socket pauses
 * while unread chunks wait. {@linkcode startTls} moves it onto TLS in place.
 *
 * @example
 * ```ts ignore
 * const transport = await ClientTransport.connect("127.0.0.1", 25);
 * const reader = new LineReader(transport);
 * await transport.write(new TextEncoder().encode("EHLO me.test\r\n"));
 * ```
 */
export class ClientTransport implements ChunkSource {
  /** Set once TLS is up. */
  tls?: TlsDetails;

  #socket: net.Socket;
  #chunks: Uint8Array[] = [];
  #ended = false;
  #error?: Error;
  #wake?: () => void;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    this.#attach();
  }

  /** Connects over TCP, then runs the TLS handshake first when `tls` is given. */
  static async connect(
    hostname: string,
    port: number,
    tlsOptions?: ClientTlsOptions,
  ): Promise<ClientTransport> {
    const socket = tlsOptions === undefined
      ? net.connect({ host: hostname, port })
      : tls.connect({ host: hostname, port, ...secureContext(tlsOptions) });
    socket.setNoDelay(true); // commands are small writes each awaiting a reply
    try {
      await settled(socket, tlsOptions === undefined ? "connect" : "secureConnect");
    } catch (error) {
      socket.destroy();
      throw error;
    }
    const transport = new ClientTransport(socket);
    if (socket instanceof tls.TLSSocket) transport.tls = details(socket, tlsOptions!);
    return transport;
  }

  /** The next chunk received, or null once the server closed. */
  async read(): Promise<Uint8Array | null> {
    while (this.#chunks.length === 0) {
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      this.#socket.resume();
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const chunk = this.#chunks.shift()!;
    if (this.#chunks.length === 0) this.#socket.resume();
    return chunk;
  }

  /** Writes all of `bytes`, waiting when the socket's buffer is full. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#socket.write(bytes)) return;
    const socket = this.#socket;
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        socket.off("drain", onDrain).off("error", onError).off("close", onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      const onError = (error: Error) => settle(error);
      const onClose = () => settle(new Error("the connection closed while writing"));
      socket.once("drain", onDrain).once("error", onError).once("close", onClose);
    });
  }

  /**
   * Runs the TLS handshake on this connection (after a 220 to STARTTLS). Bytes received
   * before it are an injection attempt (RFC 3207 §6 warns of them) and fail it.
   */
  async startTls(options: ClientTlsOptions): Promise<TlsDetails> {
    if (this.#chunks.length > 0) {
      throw new Error("the server sent data after its 220 to STARTTLS (RFC 3207 §6)");
    }
    this.#detach();
    const secure = tls.connect({ socket: this.#socket, ...secureContext(options) });
    await settled(secure, "secureConnect");
    this.#socket = secure;
    this.#attach();
    return this.tls = details(secure, options);
  }

  /** Stops reading and closes the connection. */
  cancel(): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.destroy();
    this.#end();
  }

  #attach(): void {
    this.#socket.on("data", this.#onData).on("end", this.#end).on("error", this.#onError)
      .on("close", this.#end);
  }

  #detach(): void {
    this.#socket.off("data", this.#onData).off("end", this.#end).off("error", this.#onError)
      .off("close", this.#end);
  }

  #onData = (chunk: Uint8Array): void => {
    this.#chunks.push(chunk);
    this.#socket.pause();
    this.#notify();
  };

  #onError = (error: Error): void => {
    this.#error ??= error;
    this.#notify();
  };

  #end = (): void => {
    this.#ended = true;
    this.#notify();
  };

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** The options node:tls needs for `options`: SNI, the name to check, the roots to trust. */
function secureContext(options: ClientTlsOptions): tls.ConnectionOptions {
  return {
    // RFC 6066 §3: SNI carries a host name, never an address literal.
    ...(net.isIP(options.serverName) === 0 && { servername: options.serverName }),
    // RFC 6125 §6: the certificate is checked against the name the user gave.
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(options.serverName, cert),
    ...(options.caCerts && { ca: options.caCerts }),
    rejectUnauthorized: !options.insecure,
  };
}

function details(socket: tls.TLSSocket, options: ClientTlsOptions): TlsDetails {
  const verifyError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  return {
    version: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher()?.name,
    verified: socket.authorized,
    ...(verifyError && { verifyError }),
    ...(net.isIP(options.serverName) === 0 && { sni: options.serverName }),
  };
}

/** Resolves on `event`, rejects on the socket's first error. */
function settled(socket: net.Socket, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => (socket.off(event, onEvent), reject(error));
    const onEvent = () => (socket.off("error", onError), resolve());
    socket.once(event, onEvent).once("error", onError);
  });
}
