/**
 * The DNS message format (RFC 1035 §4.1): a query encoder and a response decoder for the
 * record types of {@linkcode RecordType}, with name compression (RFC 1035 §4.1.4) and an
 * EDNS(0) OPT record (RFC 6891) so answers up to 1232 octets come over UDP.
 *
 * @module
 */

import { DnsMessageError, DnsNameError } from "./errors.ts";
import { RecordType } from "./record_type.ts";

/**
 * UDP payload size offered in the OPT record (RFC 6891 §6.2.5): 1232 octets, as DNS Flag Day
 * 2020 set and dig offers, so answers are never IP fragments; larger ones come over TCP.
 */
export const EDNS_UDP_SIZE = 1232;

/** An MX record's data (RFC 1035 §3.3.9). */
export interface MxData {
  /** PREFERENCE: lower values are preferred (RFC 1035 §3.3.9, RFC 5321 §5.1). */
  preference: number;
  /** The exchange, without the final dot; `""` is the root (a null MX, RFC 7505). */
  exchange: string;
}

/** One resource record; `data` is decoded for A, AAAA, CNAME, PTR, TXT, MX and SOA. */
export interface ResourceRecord {
  /** Owner name without the final dot, as the server wrote it. */
  name: string;
  /** TYPE code (RFC 1035 §3.2.2), e.g. 15 for MX. */
  type: number;
  /** TTL in seconds (RFC 1035 §3.2.1). */
  ttl: number;
  /** Address, target name or TXT text (character-strings joined, RFC 7208 §3.3); MX data;
   * for SOA the MINIMUM field (RFC 2308 §4); `null` for other types. */
  data: string | MxData | number | null;
}

/** A decoded DNS response. */
export interface DnsMessage {
  /** ID copied from the query (RFC 1035 §4.1.1). */
  id: number;
  /** RCODE (RFC 1035 §4.1.1): 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED. */
  rcode: number;
  /** TC: the answer did not fit; ask again over TCP (RFC 7766 §5). */
  truncated: boolean;
  /** The first entry of the question section (RFC 1035 §4.1.2), if any. */
  question: { name: string; type: number } | undefined;
  /** The answer section (RFC 1035 §4.1.3). */
  answers: ResourceRecord[];
  /** The authority section (RFC 1035 §4.1.3); holds the SOA of negative answers (RFC 2308 §3). */
  authority: ResourceRecord[];
}

/**
 * Encodes a recursive query for `name` (A-labels, with or without the final dot).
 *
 * @example
 * ```ts
 * const bytes = encodeQuery(0x1234, "example.com", RecordType.MX);
 * ```
 */
export function encodeQuery(id: number, name: string, type: number): Uint8Array {
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  // RFC 1035 §3.1: each "." becomes a length octet, plus the first label's and the root's 0
  const qnameLength = trimmed === "" ? 1 : trimmed.length + 2;
  // RFC 1035 §2.3.4: names of at most 255 octets
  if (qnameLength > 255) throw new DnsNameError(name, "longer than 255 octets");
  const bytes = new Uint8Array(12 + qnameLength + 4 + 11);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, id);
  view.setUint16(2, 0x0100); // RFC 1035 §4.1.1: RD, recursion desired
  view.setUint16(4, 1); // QDCOUNT
  view.setUint16(10, 1); // ARCOUNT: the OPT record
  if (trimmed !== "") writeLabels(bytes, 12, trimmed, name);
  let at = 12 + qnameLength;
  view.setUint16(at, type);
  view.setUint16(at + 2, 1); // class IN
  at += 4;
  // RFC 6891 §6.1.2: root owner, type OPT, CLASS = UDP payload size, TTL 0, no options
  bytes[at] = 0;
  view.setUint16(at + 1, RecordType.OPT);
  view.setUint16(at + 3, EDNS_UDP_SIZE);
  return bytes;
}

/** Writes the labels of `trimmed` from `at`, each after its length; the root's 0 is there. */
function writeLabels(bytes: Uint8Array, at: number, trimmed: string, name: string): void {
  let start = 0;
  for (let i = 0; i <= trimmed.length; i++) {
    const c = i < trimmed.length ? trimmed.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      // RFC 1035 §2.3.4: labels of 1 to 63 octets
      const length = i - start;
      if (length === 0 || length > 63) {
        throw new DnsNameError(name, "labels must have 1 to 63 octets");
      }
      bytes[at + start] = length;
      start = i + 1;
    } else if (c > 0x7e || c < 0x21) {
      throw new DnsNameError(name, "not in A-label form");
    } else bytes[at + i + 1] = c;
  }
}

/**
 * Decodes a DNS message, throwing {@linkcode DnsMessageError} when it is malformed.
 *
 * @example
 * ```ts
 * const message = decodeMessage(responseBytes);
 * if (message.rcode === 3) console.log("NXDOMAIN");
 * ```
 */
export function decodeMessage(bytes: Uint8Array): DnsMessage {
  if (bytes.length < 12) throw new DnsMessageError("shorter than a header", bytes.length);
  const reader = new Reader(bytes);
  const id = reader.u16();
  const flags = reader.u16();
  const [qd, an, ns] = [reader.u16(), reader.u16(), reader.u16()];
  reader.u16(); // ARCOUNT: the additional section is not needed
  let question: DnsMessage["question"];
  for (let i = 0; i < qd; i++) {
    const name = reader.name();
    const type = reader.u16();
    reader.u16(); // class
    question ??= { name, type };
  }
  const answers = readRecords(reader, an);
  const authority = readRecords(reader, ns);
  return {
    id,
    rcode: flags & 0xf,
    truncated: (flags & 0x0200) !== 0,
    question,
    answers,
    authority,
  };
}

function readRecords(reader: Reader, count: number): ResourceRecord[] {
  const records: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const name = reader.name();
    const type = reader.u16();
    reader.u16(); // class
    const ttl = reader.u32() & 0x7fffffff; // RFC 2181 §8: a TTL with the top bit set is 0
    const length = reader.u16();
    const end = reader.at + length;
    if (end > reader.bytes.length) throw new DnsMessageError("record data past the end", end);
    records.push({ name, type, ttl, data: readData(reader, type, end) });
    reader.at = end;
  }
  return records;
}

function readData(reader: Reader, type: number, end: number): ResourceRecord["data"] {
  const { bytes, at } = reader;
  switch (type) {
    case RecordType.A:
      return end - at === 4 ? bytes.subarray(at, end).join(".") : null;
    case RecordType.AAAA:
      return end - at === 16 ? formatIpv6(bytes.subarray(at, end)) : null;
    case RecordType.CNAME:
    case RecordType.PTR:
      return reader.name();
    case RecordType.MX:
      return { preference: reader.u16(), exchange: reader.name() };
    case RecordType.TXT:
      return readText(bytes, at, end);
    case RecordType.SOA:
      reader.name();
      reader.name();
      reader.at += 16; // SERIAL, REFRESH, RETRY, EXPIRE
      return reader.u32();
    default:
      return null;
  }
}

const utf8 = new TextDecoder();

/** RFC 7208 §3.3: the character-strings of one TXT record are joined with nothing between. */
function readText(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let at = start; at < end;) {
    const length = bytes[at];
    if (at + 1 + length > end) throw new DnsMessageError("character-string past its record", at);
    text += utf8.decode(bytes.subarray(at + 1, at + 1 + length));
    at += 1 + length;
  }
  return text;
}

/** RFC 5952 §4: lower case, leading zeros dropped, the longest run of zero groups as "::". */
function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let best = -1, bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}

class Reader {
  at = 0;
  /** Names decoded so far by where they start: compression pointers mostly aim at these. */
  readonly #names = new Map<number, string>();
  constructor(readonly bytes: Uint8Array) {}

  u16(): number {
    this.#need(2);
    const value = (this.bytes[this.at] << 8) | this.bytes[this.at + 1];
    this.at += 2;
    return value;
  }

  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }

  /** RFC 1035 §4.1.4: labels, ended by a zero octet or a pointer to an earlier name. */
  name(): string {
    const start = this.at;
    let text = "", at = start, jumps = 0, resume = -1;
    for (;;) {
      if (at >= this.bytes.length) throw new DnsMessageError("name past the end", at);
      const length = this.bytes[at];
      if (length >= 0xc0) {
        if (++jumps > 64) throw new DnsMessageError("compression pointer loop", at);
        if (resume < 0) resume = at + 2;
        at = ((length & 0x3f) << 8) | this.bytes[at + 1];
        const known = this.#names.get(at);
        if (known === undefined) continue;
        text += text && known ? `.${known}` : known;
        break;
      }
      if (length > 63) throw new DnsMessageError("unknown label type", at);
      if (length === 0) break;
      if (at + 1 + length > this.bytes.length) throw new DnsMessageError("label past end", at);
      const label = this.bytes.subarray(at + 1, at + 1 + length);
      text += (text ? "." : "") + String.fromCharCode.apply(null, label as unknown as number[]);
      at += 1 + length;
    }
    this.at = resume >= 0 ? resume : at + 1;
    this.#names.set(start, text);
    return text;
  }

  #need(n: number): void {
    if (this.at + n > this.bytes.length) throw new DnsMessageError("field past the end", this.at);
  }
}
