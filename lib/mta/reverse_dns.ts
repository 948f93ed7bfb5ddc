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
      pending = Deno.resolveDns(ptrName(address), "PTR", {
        signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      }).then((names) => names[0]?.replace(/\.$/, ""), () => undefined);
      this.#cache.set(address, pending);
    }
    return pending;
  }
}

/** The in-addr.arpa or ip6.arpa name of an address (RFC 1035 §3.5, RFC 3596 §2.5). */
export function ptrName(address: string): string {
  if (!address.includes(":")) return `${address.split(".").reverse().join(".")}.in-addr.arpa`;
  const [head, tail = ""] = address.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const missing = 8 - groups(head).length - groups(tail).length;
  const full = [
    ...groups(head),
    ...Array(address.includes("::") ? missing : 0).fill("0"),
    ...groups(tail),
  ];
  const nibbles = full.map((group) => group.padStart(4, "0")).join("");
  return `${[...nibbles].reverse().join(".")}.ip6.arpa`;
}
