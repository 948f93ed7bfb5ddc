/**
 * The dnsmasq zone of tests/fixtures/dns/zones.conf, and `dig` against it as the referee.
 *
 * @module
 */

import { type DnsmasqPeer, peerPath, startDnsmasq } from "../peers.ts";

const ZONES = new URL("../fixtures/dns/zones.conf", import.meta.url);

/** Starts dnsmasq serving every fixture domain (and `extra` dnsmasq flags). */
export async function startZone(extra: string[] = []): Promise<DnsmasqPeer> {
  const lines = (await Deno.readTextFile(ZONES)).split("\n");
  const records = lines.filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) => `--${l}`);
  return await startDnsmasq([...records, ...extra]);
}

/** `dig @127.0.0.1 -p PORT name type +short`, one answer per line, TXT strings joined. */
export async function dig(dns: DnsmasqPeer, name: string, type: string): Promise<string[]> {
  const args = ["@127.0.0.1", "-p", String(dns.port), name, type, "+short", "+tries=1"];
  const output = await new Deno.Command(peerPath("dig")!, { args, stdin: "null" }).output();
  const text = new TextDecoder().decode(output.stdout);
  const lines = text.split("\n").filter((line) => line !== "");
  return type === "TXT"
    ? lines.map((line) => [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join(""))
    : lines;
}
