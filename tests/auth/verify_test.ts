import { deepEqual, equal, match } from "node:assert/strict";
import type { DNSResolver } from "mailauth";
import { mailauthResolver, signDkim, verifyMessage } from "../../lib/auth/mod.ts";
import { loadMailauth } from "../../lib/auth/mailauth.ts";
import { Resolver } from "../../lib/dns/resolver.ts";
import { peerTest, startDnsmasq } from "../peers.ts";
import { dkimpyArc } from "./dkimpy.ts";
import { createDkimKey, txtRecordFlag } from "./keys.ts";

const encoder = new TextEncoder();
const MESSAGE = "From: ann@example.test\r\nTo: bob@example.org\r\nSubject: hi\r\n" +
  "Return-Path: <bounce@example.test>\r\nDate: Tue, 24 Nov 2026 05:00:00 +0000\r\n\r\nhi\r\n";

peerTest("verifyMessage: SPF of the client address, DKIM, DMARC and ARC", ["dnsmasq"], async () => {
  const key = await createDkimKey("rsa");
  const dns = await startDnsmasq([
    txtRecordFlag("s1._domainkey.example.test", key.record),
    "--txt-record=example.test,v=spf1 ip4:192.0.2.0/24 ~all",
    "--txt-record=_dmarc.example.test,v=DMARC1; p=reject",
  ]);
  const resolver = new Resolver({ nameServer: dns.nameServer });
  try {
    const message = encoder.encode(MESSAGE);
    const field = await signDkim(message, { privateKey: key.privateKey, selector: "s1" });
    const signed = encoder.encode(field + MESSAGE);
    const inside = await verifyMessage(signed, {
      resolver,
      ip: "192.0.2.7",
      helo: "a.example.test",
      mailFrom: "bounce@example.test",
    });
    deepEqual(inside.spf, {
      result: "pass",
      comment: inside.spf?.comment,
      domain: "example.test",
      ip: "192.0.2.7",
      helo: "a.example.test",
    });
    deepEqual(
      inside.dkim.map((d) => [d.domain, d.selector, d.result, d.bodyHashMatches]),
      [["example.test", "s1", "pass", true]],
    );
    equal(inside.dmarc?.result, "pass");
    equal(inside.dmarc?.domain, "example.test");
    deepEqual(inside.arc, { result: "none", instance: 0 });
    match(inside.authenticationResults, /^Authentication-Results: postie;/);

    // RFC 7208 §8.5: ~all gives softfail
    const outside = await verifyMessage(encoder.encode(MESSAGE), {
      resolver,
      ip: "198.51.100.1",
      mailFrom: "x@example.test",
    });
    equal(outside.spf?.result, "softfail");
    deepEqual(outside.dkim, []);
    equal(outside.dmarc?.result, "fail");

    // RFC 7208 §2.3: without MAIL FROM the HELO identity is checked; no address, no check
    const helo = await verifyMessage(signed, { resolver, ip: "192.0.2.7", helo: "a.example.test" });
    deepEqual([helo.spf?.domain, helo.spf?.result], ["a.example.test", "none"]);
    equal((await verifyMessage(signed, { resolver })).spf, undefined);
  } finally {
    resolver.close();
    await dns.stop();
  }
});

peerTest("verifyMessage: a key that is not published is no pass", ["dnsmasq"], async () => {
  const key = await createDkimKey("ed25519");
  const dns = await startDnsmasq([]);
  const resolver = new Resolver({ nameServer: dns.nameServer });
  try {
    const field = await signDkim(encoder.encode(MESSAGE), {
      privateKey: key.privateKey,
      selector: "gone",
    });
    const checked = await verifyMessage(encoder.encode(field + MESSAGE), { resolver });
    equal(checked.dkim[0].bodyHashMatches, true);
    equal(checked.dkim[0].result, "neutral");
    equal(checked.dkim[0].comment, "no key");
  } finally {
    resolver.close();
    await dns.stop();
  }
});

peerTest("verifyMessage: an ARC set sealed by a forwarder validates, as python3-dkim says", [
  "dnsmasq",
  "dkimverify",
], async () => {
  const key = await createDkimKey("rsa");
  const dns = await startDnsmasq([txtRecordFlag("arc._domainkey.forwarder.test", key.record)]);
  const resolver = new Resolver({ nameServer: dns.nameServer });
  try {
    // The forwarder checks the message and seals it (RFC 8617 §5.1), through mailauth itself.
    const { authenticate } = await loadMailauth();
    const sealed = await authenticate(MESSAGE, {
      resolver: mailauthResolver(resolver) as DNSResolver,
      ip: "192.0.2.7",
      mta: "mx.forwarder.test",
      disableBimi: true,
      seal: { signingDomain: "forwarder.test", selector: "arc", privateKey: key.privateKey },
    });
    const message = encoder.encode(sealed.headers + MESSAGE);
    const checked = await verifyMessage(message, { resolver });
    deepEqual([checked.arc.result, checked.arc.instance], ["pass", 1]);
    equal(await dkimpyArc(message, dns.port), "pass");
    const altered = encoder.encode(sealed.headers + MESSAGE.replace("hi\r\n", "ho\r\n"));
    equal((await verifyMessage(altered, { resolver })).arc.result, "fail");
    equal(await dkimpyArc(altered, dns.port), "fail");
  } finally {
    resolver.close();
    await dns.stop();
  }
});
