/**
 * Which DNS server to ask: one given as dig's `@server`, or the system's first `nameserver`
 * in /etc/resolv.conf (resolv.conf(5)).
 *
 * @module
 */

/** A DNS server's address and port, the shape `Deno.resolveDns` takes as `nameServer`. */
export interface NameServer {
  /** The server's IPv4 or IPv6 address. */
  ipAddr: string;
  /** The server's port, usually 53. */
  port: number;
}

/** The DNS port (RFC 1035 §4.2). */
export const DNS_PORT = 53;

/**
 * The first `nameserver` line of `/etc/resolv.conf` (or `text`), on port 53; 127.0.0.1 when
 * there is none, as resolv.conf(5) says.
 *
 * @example
 * ```ts
 * systemNameServer("nameserver 192.0.2.53\n"); // { ipAddr: "192.0.2.53", port: 53 }
 * ```
 */
export function systemNameServer(text = readResolvConf()): NameServer {
  const match = /^\s*nameserver\s+([0-9a-fA-F:.]+)(?:%\S+)?\s*$/m.exec(text);
  return { ipAddr: match?.[1] ?? "127.0.0.1", port: DNS_PORT };
}

function readResolvConf(): string {
  try {
    return Deno.readTextFileSync("/etc/resolv.conf");
  } catch {
    return "";
  }
}
