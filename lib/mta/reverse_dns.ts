import { reverseName } from "../dns/reverse_name.ts";

/** How long a PTR lookup may take before the client is named "unknown", as Postfix does. */
const LOOKUP_TIMEOUT_MS = 2_000;
const CACHE_SIZE = 10_000;

/**
 * Looks up the name of a client address by PTR, with a cache and a time limit. Loopback
 * addresses are "localhost" without asking DNS.
 */
export class ReverseDns {
  readonly #cache = new Map<string, Promise<string | undefined>>();

  lookup(clientAddress: string): Promise<string | undefined> {
    // An IPv4 client of a dual-stack IPv6 socket shows as ::ffff:a.b.c.d (RFC 4291 §2.5.5.2).
    const address = clientAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
    if (address === "::1" || address.startsWith("127.")) return Promise.resolve("localhost");
    let pending = this.#cache.get(address);
    if (!pending) {
      if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
      pending = Deno.resolveDns(reverseName(address), "PTR", {
        signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      }).then((names) => names[0]?.replace(/\.$/, ""), () => undefined);
      this.#cache.set(address, pending);
    }
    return pending;
  }
}
