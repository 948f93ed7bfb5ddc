/**
 * dnsmasq as a real DNS server for MX/A/TXT fixtures on a loopback port.
 *
 * @module
 */

import { PeerMissingError, peerPath } from "./catalog.ts";
import { type ListeningPeer, startListening } from "./process.ts";

/** A running dnsmasq, with the name server address Deno.resolveDns takes. */
export interface DnsmasqPeer extends ListeningPeer {
  /** Pass as `Deno.resolveDns(name, type, { nameServer })`. */
  readonly nameServer: { ipAddr: string; port: number };
}

/**
 * Starts dnsmasq answering only from `records`, dnsmasq flags such as
 * `--mx-host=example.test,mx1.example.test,10`, `--host-record=mx1.example.test,127.0.0.2`,
 * `--txt-record=example.test,"v=spf1 -all"`. Names under `.test` that no record covers get
 * NXDOMAIN (`--local=/test/`); everything else is REFUSED, nothing is forwarded.
 *
 * @example
 * ```ts
 * const dns = await startDnsmasq(["--mx-host=example.test,mx1.example.test,10"]);
 * const mx = await Deno.resolveDns("example.test", "MX", { nameServer: dns.nameServer });
 * await dns.stop();
 * ```
 */
export async function startDnsmasq(records: string[]): Promise<DnsmasqPeer> {
  const path = peerPath("dnsmasq");
  if (!path) throw new PeerMissingError("dnsmasq");
  const dir = await Deno.makeTempDir({ prefix: "postie-dnsmasq-" });
  try {
    const peer = await startListening((port) => [
      path,
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      `--port=${port}`,
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      "--no-resolv",
      "--no-hosts",
      "--local=/test/",
      `--pid-file=${dir}/dnsmasq.pid`,
      ...records,
    ]);
    const stop = async () => {
      await peer.stop();
      await Deno.remove(dir, { recursive: true });
    };
    return { ...peer, stop, nameServer: { ipAddr: "127.0.0.1", port: peer.port } };
  } catch (e) {
    await Deno.remove(dir, { recursive: true });
    throw e;
  }
}
