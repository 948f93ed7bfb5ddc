/**
 * Sends DNS queries and matches the answers: UDP on one shared socket per address family,
 * queries told apart by ID and question (RFC 5452 §9.1), resent while unanswered, and asked
 * again over TCP when an answer comes back truncated (RFC 7766 §5). One timer serves every
 * query in flight (resends and time limits), so a query costs no timer of its own.
 *
 * @module
 */

import dgram from "node:dgram";
import { DnsTimeoutError } from "./errors.ts";
import { decodeMessage, type DnsMessage, EDNS_UDP_SIZE, encodeQuery } from "./message.ts";
import type { NameServer } from "./name_server.ts";

/** How long to wait for a UDP answer before sending the query again. */
export const RESEND_MS = 1000;
/** Queries in flight at once; more wait their turn (a burst beyond the socket buffers is lost). */
export const MAX_IN_FLIGHT = 64;
/** How often the timer looks for queries to resend or give up on. */
const TICK_MS = 50;
/** How long an idle socket stays open for the next query before it is closed. */
const LINGER_MS = 100;

/** When to give up on one query. */
export interface QueryLimits {
  /** Time limit from the call, ms: waiting for a turn, the UDP sends and any TCP retry. */
  timeoutMs: number;
  /** Ends the query early; it rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Pending {
  server: NameServer;
  /** The question, lower case without the final dot, to match the answer's. */
  name: string;
  type: number;
  bytes: Uint8Array;
  resendAt: number;
  deadline: number;
  timeoutMs: number;
  resolve(message: DnsMessage): void;
  reject(error: unknown): void;
}

/**
 * Asks DNS servers questions over UDP (falling back to TCP), each within a time limit; the
 * socket closes itself once idle.
 *
 * @example
 * ```ts
 * const transport = new DnsTransport();
 * const answer = await transport.query({ ipAddr: "127.0.0.1", port: 53 }, "example.com", 15,
 *   { timeoutMs: 5000 });
 * ```
 */
export class DnsTransport {
  readonly #pending = new Map<number, Pending>();
  readonly #sockets = new Map<string, dgram.Socket>();
  readonly #waiting: (() => void)[] = [];
  #inFlight = 0;
  #tick: ReturnType<typeof setInterval> | undefined;
  #linger: ReturnType<typeof setTimeout> | undefined;

  /**
   * Asks `server` for `name`/`type` and resolves with its answer; rejects with
   * {@linkcode DnsTimeoutError} when none comes in time, or when `limits.signal` aborts.
   */
  async query(
    server: NameServer,
    name: string,
    type: number,
    limits: QueryLimits,
  ): Promise<DnsMessage> {
    const bytes = encodeQuery(0, name, type);
    const deadline = performance.now() + limits.timeoutMs;
    if (this.#inFlight >= MAX_IN_FLIGHT) await new Promise<void>((go) => this.#waiting.push(go));
    this.#inFlight++;
    try {
      limits.signal?.throwIfAborted();
      // A question whose time ran out while it waited for its turn is not sent at all
      if (performance.now() >= deadline) throw new DnsTimeoutError(server, limits.timeoutMs);
      const question = trimDot(name).toLowerCase();
      const answer = await this.#udp(server, question, type, bytes, deadline, limits);
      return answer.truncated ? await queryTcp(server, bytes, deadline, limits) : answer;
    } finally {
      this.#inFlight--;
      this.#waiting.shift()?.();
    }
  }

  /** Closes the sockets now (they also close themselves when idle). */
  close(): void {
    clearTimeout(this.#linger);
    for (const socket of this.#sockets.values()) socket.close();
    this.#sockets.clear();
  }

  #udp(
    server: NameServer,
    name: string,
    type: number,
    bytes: Uint8Array,
    deadline: number,
    { timeoutMs, signal }: QueryLimits,
  ): Promise<DnsMessage> {
    const id = this.#freeId();
    new DataView(bytes.buffer).setUint16(0, id);
    return new Promise<DnsMessage>((resolve, reject) => {
      const abort = () => this.#settle(id)?.reject(signal!.reason);
      signal?.addEventListener("abort", abort, { once: true });
      const unlisten = () => signal?.removeEventListener("abort", abort);
      this.#pending.set(id, {
        server,
        name,
        type,
        bytes,
        resendAt: performance.now() + RESEND_MS,
        deadline,
        timeoutMs,
        resolve: (message) => (unlisten(), resolve(message)),
        reject: (error) => (unlisten(), reject(error)),
      });
      this.#tick ??= setInterval(() => this.#sweep(), TICK_MS);
      this.#send(server, bytes);
    });
  }

  #send(server: NameServer, bytes: Uint8Array): void {
    this.#socket(server.ipAddr.includes(":") ? "udp6" : "udp4")
      .send(bytes, server.port, server.ipAddr);
  }

  /** Resends what has waited RESEND_MS; fails what has waited past its time limit. */
  #sweep(): void {
    const now = performance.now();
    for (const [id, query] of this.#pending) {
      if (now >= query.deadline) {
        this.#settle(id)?.reject(new DnsTimeoutError(query.server, query.timeoutMs));
      } else if (now >= query.resendAt) {
        query.resendAt = now + RESEND_MS;
        this.#send(query.server, query.bytes);
      }
    }
  }

  /** Takes query `id` off the pending list (stopping the timer when none is left). */
  #settle(id: number): Pending | undefined {
    const query = this.#pending.get(id);
    this.#pending.delete(id);
    if (this.#pending.size === 0) {
      clearInterval(this.#tick);
      this.#tick = undefined;
      clearTimeout(this.#linger);
      this.#linger = setTimeout(() => this.close(), LINGER_MS);
    }
    return query;
  }

  #socket(family: "udp4" | "udp6"): dgram.Socket {
    clearTimeout(this.#linger);
    let socket = this.#sockets.get(family);
    if (!socket) {
      // Deno's node:dgram allocates a receive buffer of this size for every datagram; answers
      // are at most the EDNS size we offer (RFC 6891 §6.2.5), 64 KiB by default is waste.
      socket = dgram.createSocket({ type: family, recvBufferSize: EDNS_UDP_SIZE });
      socket.on("message", (bytes, from) => this.#receive(bytes, from));
      socket.on("error", () => {}); // a lost datagram is resent; the time limit ends waiting
      this.#sockets.set(family, socket);
    }
    return socket;
  }

  #receive(bytes: Uint8Array, from: { address: string; port: number }): void {
    if (bytes.length < 12) return;
    const id = (bytes[0] << 8) | bytes[1];
    const query = this.#pending.get(id);
    // RFC 5452 §9.1: accept only an answer from the server asked…
    if (!query || from.port !== query.server.port || from.address !== query.server.ipAddr) return;
    let message: DnsMessage;
    try {
      message = decodeMessage(bytes);
    } catch {
      return; // not an answer to us; keep waiting for one
    }
    // …to the question asked
    const question = message.question;
    if (question?.type !== query.type || question.name.toLowerCase() !== query.name) return;
    this.#settle(id)?.resolve(message);
  }

  #freeId(): number {
    for (;;) {
      const id = (Math.random() * 0x10000) | 0;
      if (!this.#pending.has(id)) return id;
    }
  }
}

function trimDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** RFC 1035 §4.2.2: over TCP each message is preceded by its two-octet length. */
async function queryTcp(
  server: NameServer,
  query: Uint8Array,
  deadline: number,
  { timeoutMs, signal }: QueryLimits,
): Promise<DnsMessage> {
  const conn = await Deno.connect({ hostname: server.ipAddr, port: server.port });
  let timedOut = false;
  const onAbort = () => conn.close();
  const timer = setTimeout(() => (timedOut = true, conn.close()), deadline - performance.now());
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const framed = new Uint8Array(2 + query.length);
    new DataView(framed.buffer).setUint16(0, query.length);
    framed.set(query, 2);
    await conn.write(framed);
    const head = await readExactly(conn, 2);
    return decodeMessage(await readExactly(conn, (head[0] << 8) | head[1]));
  } catch (error) {
    if (timedOut) throw new DnsTimeoutError(server, timeoutMs);
    throw signal?.aborted ? signal.reason : error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    if (!timedOut && !signal?.aborted) conn.close();
  }
}

async function readExactly(conn: Deno.Conn, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length;) {
    const n = await conn.read(bytes.subarray(at));
    if (n === null) throw new Deno.errors.UnexpectedEof("DNS server closed the TCP connection");
    at += n;
  }
  return bytes;
}
