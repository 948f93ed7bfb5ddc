/**
 * A scripted DNS server on loopback for the resolver's tests: it answers each query, over UDP
 * or TCP on the same port, as a function says (an RCODE, one A record, a truncated answer,
 * silence, or after a delay), and counts the queries.
 *
 * @module
 */

import dgram from "node:dgram";
import type { NameServer } from "../../lib/dns/mod.ts";

/** What the server does with one question. */
export type FakeAnswer =
  | { rcode: number }
  | { a: string; ttl?: number; delayMs?: number }
  | { truncated: true }
  | "silent";

/** A running fake server. */
export interface FakeDns {
  /** Its address, for `new Resolver({ nameServer })`. */
  nameServer: NameServer;
  /** Queries received so far, by `name type` (type as a number; " tcp" after it over TCP),
   * resends included. */
  received: Map<string, number>;
  /** Stops it. */
  close(): void;
}

/** Starts a server that answers each question (name lower case, type code) with `answer`. */
export async function startFakeDns(
  answer: (name: string, type: number, tcp: boolean) => FakeAnswer,
): Promise<FakeDns> {
  const received = new Map<string, number>();
  const reply = (query: Uint8Array, tcp: boolean, send: (reply: Uint8Array) => void) => {
    const { name, end } = readQuestion(query);
    const type = (query[end - 4] << 8) | query[end - 3];
    const key = `${name} ${type}${tcp ? " tcp" : ""}`;
    received.set(key, (received.get(key) ?? 0) + 1);
    const what = answer(name, type, tcp);
    if (what === "silent") return;
    if ("truncated" in what) return send(header(query, end, 0, 0, TC));
    const bytes = "rcode" in what ? header(query, end, what.rcode, 0) : withA(query, end, what);
    if ("delayMs" in what && what.delayMs) setTimeout(() => send(bytes), what.delayMs);
    else send(bytes);
  };
  const { socket, listener, port } = await bindBoth();
  socket.on("message", (query, from) => {
    reply(query, false, (bytes) => socket.send(bytes, from.port, from.address));
  });
  serveTcp(listener, reply);
  return {
    nameServer: { ipAddr: "127.0.0.1", port },
    received,
    close: () => {
      socket.close();
      listener.close();
    },
  };
}

/** A TCP listener and a UDP socket on the same free port (another program may hold it for UDP). */
async function bindBoth(): Promise<
  { socket: dgram.Socket; listener: Deno.TcpListener; port: number }
> {
  for (let attempt = 1;; attempt++) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    const socket = dgram.createSocket("udp4");
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind(port, "127.0.0.1", () => resolve());
      });
      return { socket, listener, port };
    } catch (error) {
      listener.close();
      socket.close();
      if (attempt === 10) throw error;
    }
  }
}

/** RFC 1035 §4.2.2: each message after its two-octet length, one query per connection here. */
async function serveTcp(
  listener: Deno.Listener,
  reply: (query: Uint8Array, tcp: boolean, send: (bytes: Uint8Array) => void) => void,
): Promise<void> {
  try {
    for await (const conn of listener) {
      const buffer = new Uint8Array(2 + 512);
      let length = 0;
      while (length < 2 || length < 2 + ((buffer[0] << 8) | buffer[1])) {
        const n = await conn.read(buffer.subarray(length));
        if (n === null) break;
        length += n;
      }
      reply(buffer.subarray(2, length), true, (bytes) => {
        const framed = new Uint8Array(2 + bytes.length);
        framed.set([bytes.length >> 8, bytes.length & 255]);
        framed.set(bytes, 2);
        conn.write(framed).finally(() => conn.close());
      });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}

function readQuestion(query: Uint8Array): { name: string; end: number } {
  const labels: string[] = [];
  let at = 12;
  for (let length = query[at]; length !== 0; length = query[at]) {
    labels.push(new TextDecoder().decode(query.subarray(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  return { name: labels.join(".").toLowerCase(), end: at + 5 };
}

/** TC, the truncation flag of the header's third octet (RFC 1035 §4.1.1). */
const TC = 0x02;

/** The query's header and question, as a response with `rcode` and `answers` records. */
function header(
  query: Uint8Array,
  end: number,
  rcode: number,
  answers: number,
  flags = 0,
): Uint8Array {
  const reply = query.slice(0, end);
  reply[2] = 0x81 | flags; // QR, RD
  reply[3] = 0x80 | rcode; // RA
  reply.set([0, 1, 0, answers, 0, 0, 0, 0], 4); // QDCOUNT 1, ANCOUNT, no NS, no additional
  return reply;
}

function withA(query: Uint8Array, end: number, what: { a: string; ttl?: number }): Uint8Array {
  const head = header(query, end, 0, 1);
  const record = new Uint8Array(16);
  const view = new DataView(record.buffer);
  view.setUint16(0, 0xc00c); // the name: a pointer to the question's
  view.setUint16(2, 1); // A
  view.setUint16(4, 1); // IN
  view.setUint32(6, what.ttl ?? 0);
  view.setUint16(10, 4);
  record.set(what.a.split(".").map(Number), 12);
  const reply = new Uint8Array(head.length + record.length);
  reply.set(head);
  reply.set(record, head.length);
  return reply;
}
