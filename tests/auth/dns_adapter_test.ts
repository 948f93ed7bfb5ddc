import { deepEqual, rejects } from "node:assert/strict";
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
  } finally {
    resolver.close();
    await dns.stop();
  }
});
