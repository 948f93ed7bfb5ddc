/**
 * Sends DNS queries and matches the answers: UDP on one shared socket per address family,
 * queries told apart by ID and question (RFC 5452 §9.1), resent while unanswered, and asked
 * again over TCP when an answer comes back truncated (RFC 7766 §5).
 *
 * @module
 */

import dgram from "node:dgram";
import { decodeMessage, type DnsMessage, encodeQuery } from "./message.ts";
import type { NameServer } from "./name_server.ts";

/** How long to wait for a UDP answer before sending the query again. */
export const RESEND_MS = 1000;
/** Queries in flight at once; more wait their turn (a burst beyond the socket buffers is lost). */
export const MAX_IN_FLIGHT = 64;
/** How long an idle socket stays open for the next query before it is closed. */
const LINGER_MS = 100;

interface Pending {
  server: NameServer;
  name: string;
  type: number;
  resolve(message: DnsMessage): void;
}

/**
 * Asks DNS servers questions over UDP (falling back to TCP). Only the caller's signal ends an
 * unanswered query; the socket closes itself once idle.
 *
 * @example
 * ```ts
 * const transport = new DnsTransport();
 * const answer = await transport.query({ ipAddr: "127.0.0.1", port: 53 }, "example.com", 15,
 *   AbortSignal.timeout(5000));
 * ```
 */
export class DnsTransport {
  readonly #pending = new Map<number, Pending>();
  readonly #sockets = new Map<string, dgram.Socket>();
  readonly #waiting: (() => void)[] = [];
  #inFlight = 0;
  #linger: ReturnType<typeof setTimeout> | undefined;

  /** Asks `server` for `name`/`type` and resolves with its answer; rejects when `signal` aborts. */
  async query(
    server: NameServer,
    name: string,
    type: number,
    signal: AbortSignal,
  ): Promise<DnsMessage> {
    const bytes = encodeQuery(0, name, type);
    if (this.#inFlight >= MAX_IN_FLIGHT) await new Promise<void>((go) => this.#waiting.push(go));
    this.#inFlight++;
    try {
      signal.throwIfAborted();
      const id = this.#freeId();
      new DataView(bytes.buffer).setUint16(0, id);
      const answer = await this.#udp(server, id, { server, name, type }, bytes, signal);
      return answer.truncated ? await queryTcp(server, bytes, signal) : answer;
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
    id: number,
    question: Omit<Pending, "resolve">,
    bytes: Uint8Array,
    signal: AbortSignal,
  ): Promise<DnsMessage> {
    const socket = this.#socket(server.ipAddr.includes(":") ? "udp6" : "udp4");
    const send = () => socket.send(bytes, server.port, server.ipAddr);
    return new Promise<DnsMessage>((resolve, reject) => {
      const resend = setInterval(send, RESEND_MS);
      const done = () => {
        clearInterval(resend);
        signal.removeEventListener("abort", abort);
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#scheduleClose();
      };
      const abort = () => {
        done();
        reject(signal.reason);
      };
      signal.addEventListener("abort", abort);
      this.#pending.set(id, { ...question, resolve: (m) => (done(), resolve(m)) });
      send();
    });
  }

  #socket(family: "udp4" | "udp6"): dgram.Socket {
    clearTimeout(this.#linger);
    let socket = this.#sockets.get(family);
    if (!socket) {
      socket = dgram.createSocket(family);
      socket.on("message", (bytes, from) => this.#receive(bytes, from));
      socket.on("error", () => {}); // a lost datagram is resent; the caller's signal ends waiting
      this.#sockets.set(family, socket);
    }
    return socket;
  }

  #receive(bytes: Uint8Array, from: { address: string; port: number }): void {
    let message: DnsMessage;
    try {
      message = decodeMessage(bytes);
    } catch {
      return; // not an answer to us; keep waiting for one
    }
    const pending = this.#pending.get(message.id);
    // RFC 5452 §9.1: accept only an answer from the server asked, to the question asked
    if (
      !pending || from.port !== pending.server.port || from.address !== pending.server.ipAddr ||
      message.question?.type !== pending.type ||
      message.question.name.toLowerCase() !== trimDot(pending.name).toLowerCase()
    ) return;
    pending.resolve(message);
  }

  #freeId(): number {
    for (;;) {
      const id = (Math.random() * 0x10000) | 0;
      if (!this.#pending.has(id)) return id;
    }
  }

  #scheduleClose(): void {
    clearTimeout(this.#linger);
    this.#linger = setTimeout(() => this.close(), LINGER_MS);
  }
}

function trimDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** RFC 1035 §4.2.2: over TCP each message is preceded by its two-octet length. */
async function queryTcp(
  server: NameServer,
  query: Uint8Array,
  signal: AbortSignal,
): Promise<DnsMessage> {
  const conn = await Deno.connect({ hostname: server.ipAddr, port: server.port });
  const onAbort = () => conn.close();
  signal.addEventListener("abort", onAbort);
  try {
    const framed = new Uint8Array(2 + query.length);
    new DataView(framed.buffer).setUint16(0, query.length);
    framed.set(query, 2);
    await conn.write(framed);
    const head = await readExactly(conn, 2);
    const body = await readExactly(conn, new DataView(head.buffer).getUint16(0));
    return decodeMessage(body);
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!signal.aborted) conn.close();
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
