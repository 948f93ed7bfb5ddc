import { deepEqual, rejects } from "node:assert/strict";
import { createSocket } from "node:dgram";
import { DnsLookupError, mailauthResolver } from "../../lib/auth/mod.ts";
import { Resolver } from "../../lib/dns/resolver.ts";
import { peerTest, startDnsmasq } from "../peers.ts";
import { txtRecordFlag } from "./keys.ts";

const LONG = `v=DKIM1; k=rsa; p=${"A".repeat(400)}`;

peerTest("mailauthResolver: answers in Node's dns shapes from dnsmasq", ["dnsmasq"], async () => {
  const dns = await startDnsmasq([
    txtRecordFlag("s1._domainkey.example.test", LONG),
    "--mx-host=example.test,mx1.example.test,10",
    "--host-record=mx1.example.test,127.0.0.11",
  ]);
  const resolver = new Resolver({ nameServer: dns.nameServer });
  const ask = mailauthResolver(resolver);
  try {
    // RFC 6376 §3.6.2.2: the character-strings of a key record are joined without spaces
    deepEqual(await ask("s1._domainkey.example.test", "TXT"), [[LONG]]);
    deepEqual(await ask("example.test", "MX"), [{ exchange: "mx1.example.test", priority: 10 }]);
    deepEqual(await ask("mx1.example.test", "A"), ["127.0.0.11"]);
    const code = (expected: string) => (error: unknown) =>
      error instanceof DnsLookupError && error.code === expected;
    await rejects(ask("missing.example.test", "TXT"), code("ENOTFOUND"));
    await rejects(ask("mx1.example.test", "TXT"), code("ENODATA"));
    await rejects(ask("example.test", "SRV"), code("ENOTIMP"));
    // dnsmasq refuses names outside .test: SPF makes that a temperror (RFC 7208 §5)
    await rejects(ask("example.com", "TXT"), code("EREFUSED"));
  } finally {
    resolver.close();
    await dns.stop();
  }
});

Deno.test("mailauthResolver: no answer in time is ETIMEOUT", async () => {
  // A bound UDP socket that never answers.
  const silent = createSocket("udp4");
  await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
  const { port } = silent.address();
  const resolver = new Resolver({ nameServer: { ipAddr: "127.0.0.1", port }, timeoutMs: 200 });
  try {
    await rejects(
      mailauthResolver(resolver)("a.example.test", "A"),
      (error) => error instanceof DnsLookupError && error.code === "ETIMEOUT",
    );
  } finally {
    resolver.close();
    silent.close();
  }
});
