/**
 * A caching stub resolver: asks one recursive DNS server, with a time limit per question,
 * and answers with a typed {@linkcode Lookup} that tells NXDOMAIN, NODATA, SERVFAIL, REFUSED
 * and timeouts apart (`Deno.resolveDns` reports the first three alike as `NotFound`, and
 * gives no TTLs, so postie speaks the DNS protocol itself).
 *
 * @module
 */

import { AnswerCache } from "./answer_cache.ts";
import { DnsTimeoutError } from "./errors.ts";
import type { DnsMessage, ResourceRecord } from "./message.ts";
import type { Lookup, LookupStatus } from "./lookup.ts";
import { type NameServer, systemNameServer } from "./name_server.ts";
import { type QueryType, type RecordData, RecordType } from "./record_type.ts";
import { DnsTransport } from "./transport.ts";

/** Default time limit of one question, ms (dig's +time=5). */
export const DEFAULT_DNS_TIMEOUT_MS = 5000;
/** Default bound of the cache, octets of answers (estimated); the least recently used go first. */
export const DEFAULT_CACHE_BYTES = 2 * 1024 * 1024;
/**
 * How long an answer is kept at least, s. RFC 2181 §8: a TTL of 0 means "use only for the
 * transaction in progress", and diagnosing one domain asks some questions twice (the MX of the
 * route and of SPF's `mx`), moments apart.
 */
export const MIN_CACHE_SECONDS = 1;
/** What one cached answer costs beyond its text: the entry, the lookup, its arrays, ~octets. */
const ENTRY_OVERHEAD = 200;

/** Options of {@linkcode Resolver}. */
export interface ResolverOptions {
  /** The server to ask; the system's (/etc/resolv.conf) by default. */
  nameServer?: NameServer;
  /** Time limit of one question, ms. */
  timeoutMs?: number;
  /** Bound of the cache, octets of answers (estimated). */
  cacheBytes?: number;
}

interface Cached {
  expires: number;
  lookup: Promise<Lookup>;
}

/**
 * Asks DNS questions and caches the answers for their TTL, within a bound in octets (concurrent
 * askers of the same question share one query).
 *
 * @example
 * ```ts
 * const resolver = new Resolver({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * const mx = await resolver.lookup("example.test", "MX");
 * if (mx.status === "ok") console.log(mx.records[0].exchange);
 * resolver.close();
 * ```
 */
export class Resolver {
  /** The server asked. */
  readonly nameServer: NameServer;
  readonly #timeoutMs: number;
  readonly #cache: AnswerCache<Cached>;
  readonly #transport = new DnsTransport();

  /** Creates a resolver; nothing is sent until the first lookup. */
  constructor(options: ResolverOptions = {}) {
    this.nameServer = options.nameServer ?? systemNameServer();
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
    this.#cache = new AnswerCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  /** Octets of answers cached now (estimated), at most the bound given. */
  get cachedBytes(): number {
    return this.#cache.bytes;
  }

  /** Asks for `type` records of `name` (A-labels), from the cache when fresh. */
  lookup<T extends QueryType>(name: string, type: T, signal?: AbortSignal): Promise<Lookup<T>> {
    const fqdn = name.endsWith(".") ? name.slice(0, -1) : name;
    const key = `${type} ${fqdn.toLowerCase()}`;
    const cached = this.#cache.get(key);
    if (cached && cached.expires > Date.now()) return cached.lookup as Promise<Lookup<T>>;
    const lookup = this.#ask(fqdn, type, signal);
    const entry: Cached = { expires: Infinity, lookup };
    this.#cache.set(key, entry, ENTRY_OVERHEAD + key.length);
    // Failures (and a lookup the caller's signal ended) are shared only while in flight;
    // answers live for their TTL.
    const forget = () => this.#cache.get(key) === entry && this.#cache.delete(key);
    lookup.then((result) => {
      if (result.status !== "ok" && result.status !== "nxdomain" && result.status !== "nodata") {
        return forget();
      }
      if (this.#cache.get(key) !== entry) return;
      entry.expires = Date.now() + Math.max(result.ttl, MIN_CACHE_SECONDS) * 1000;
      this.#cache.set(key, entry, answerBytes(key, result));
    }, forget);
    return lookup;
  }

  /** Closes the sockets (they also close themselves when idle). */
  close(): void {
    this.#transport.close();
  }

  async #ask<T extends QueryType>(fqdn: string, type: T, signal?: AbortSignal): Promise<Lookup<T>> {
    const failed = (status: LookupStatus, reason: string): Lookup<T> => ({
      name: fqdn,
      type,
      status,
      records: [],
      ttl: 0,
      aliases: [],
      reason,
    });
    try {
      const message = await this.#transport.query(this.nameServer, fqdn, RecordType[type], {
        timeoutMs: this.#timeoutMs,
        signal,
      });
      return interpret(message, fqdn, type) ?? failed(...rcodeFailure(message.rcode));
    } catch (error) {
      if (error instanceof DnsTimeoutError) return failed("timeout", error.message);
      if (signal?.aborted) throw signal.reason;
      return failed("error", error instanceof Error ? error.message : String(error));
    }
  }
}

/** The estimated octets one cached answer holds: its key, records and aliases, and overhead. */
function answerBytes(key: string, lookup: Lookup): number {
  let chars = key.length;
  for (const record of lookup.records) {
    chars += typeof record === "string" ? record.length : record.exchange.length + 8;
  }
  for (const alias of lookup.aliases) chars += alias.length;
  return ENTRY_OVERHEAD + chars;
}

/** RFC 1035 §4.1.1 response codes other than NOERROR and NXDOMAIN. */
function rcodeFailure(rcode: number): [LookupStatus, string] {
  if (rcode === 2) return ["servfail", "the server failed to answer (SERVFAIL)"];
  if (rcode === 5) return ["refused", "the server refused to answer (REFUSED)"];
  return ["error", `the server answered with RCODE ${rcode}`];
}

/** The lookup a NOERROR or NXDOMAIN answer makes; undefined for other RCODEs. */
function interpret<T extends QueryType>(
  message: DnsMessage,
  name: string,
  type: T,
): Lookup<T> | undefined {
  if (message.rcode !== 0 && message.rcode !== 3) return undefined;
  const aliases: string[] = [];
  let owner = name.toLowerCase();
  // RFC 1034 §3.6.2: follow the CNAME chain the server put in the answer
  for (let hops = 0; hops < 16 && type !== "CNAME"; hops++) {
    const alias = message.answers.find((r) => r.type === RecordType.CNAME && same(r.name, owner));
    if (!alias) break;
    aliases.push(alias.data as string);
    owner = (alias.data as string).toLowerCase();
  }
  const matching = message.answers.filter((r) =>
    r.type === RecordType[type] && same(r.name, owner)
  );
  const records = matching.map((r) => r.data as RecordData[T]);
  if (records.length > 0) {
    const ttl = Math.min(...matching.map((r) => r.ttl));
    return { name, type, status: "ok", records, ttl, aliases };
  }
  // RFC 2308 §2.1: RCODE 3 is NXDOMAIN (for the last name of the chain), else NODATA
  const status = message.rcode === 3 ? "nxdomain" : "nodata";
  return { name, type, status, records: [], ttl: negativeTtl(message.authority), aliases };
}

function same(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b;
}

/** RFC 2308 §5: a negative answer lives for the smaller of the SOA's TTL and its MINIMUM. */
function negativeTtl(authority: ResourceRecord[]): number {
  const soa = authority.find((r) => r.type === RecordType.SOA);
  return soa ? Math.min(soa.ttl, soa.data as number) : 0;
}
