/**
 * `postie trace --verify`: DKIM, SPF and DMARC redone against dnsmasq-served keys and records
 * and compared with the Authentication-Results claims; python3-dkim judges the same messages.
 */

import { equal, match, ok } from "node:assert/strict";
import type { DNSResolver } from "mailauth";
import { mailauthResolver } from "../../lib/auth/dns_adapter.ts";
import { loadMailauth } from "../../lib/auth/mailauth.ts";
import { signDkim } from "../../lib/auth/sign.ts";
import { Resolver } from "../../lib/dns/resolver.ts";
import { dkimpyArc, dkimpyVerifies } from "../auth/dkimpy.ts";
import { createDkimKey, txtRecordFlag } from "../auth/keys.ts";
import { type DnsmasqPeer, peerTest, startDnsmasq } from "../peers.ts";
import { runPostie } from "./run_postie.ts";

const PEERS = ["dnsmasq", "dkimverify"];
const encoder = new TextEncoder();
const ORIGINAL = "From: Ann <ann@example.net>\r\nTo: bob@example.org\r\nSubject: report\r\n" +
  "Date: Tue, 24 Nov 2026 05:00:00 +0000\r\nMessage-ID: <r1@example.net>\r\n\r\n" +
  "The numbers are in.\r\n";

/** The signed message as mx1.example.org received it from `clientIp`, with its claims. */
function received(signature: string, clientIp: string, body = ORIGINAL): string {
  const b = /\bb=([^;]+)$/.exec(signature.replace(/\r\n\s+/g, ""))![1].slice(0, 8);
  return "Return-Path: <bounce@example.net>\r\n" +
    "Authentication-Results: mx1.example.org; dkim=pass header.d=example.net header.s=s1 " +
    `header.b=${b}; spf=pass smtp.mailfrom=bounce@example.net; dmarc=pass header.from=example.net\r\n` +
    `Received: from mail-out.example.net (mail-out.example.net [${clientIp}])\r\n` +
    "\tby mx1.example.org with ESMTPS id 4Xyz; Tue, 24 Nov 2026 05:00:03 +0000\r\n" +
    signature + body;
}

async function withZone(fn: (dns: DnsmasqPeer, signature: string) => Promise<void>) {
  const key = await createDkimKey("rsa");
  const dns = await startDnsmasq([
    txtRecordFlag("s1._domainkey.example.net", key.record),
    "--txt-record=example.net,v=spf1 ip4:203.0.113.0/24 -all",
    "--txt-record=_dmarc.example.net,v=DMARC1; p=reject",
  ]);
  try {
    const signature = await signDkim(encoder.encode(ORIGINAL), {
      privateKey: key.privateKey,
      selector: "s1",
    });
    await fn(dns, signature);
  } finally {
    await dns.stop();
  }
}

function trace(dns: DnsmasqPeer, message: string, extra: string[] = []) {
  const args = ["trace", "--verify", "--resolver", `127.0.0.1:${dns.port}`, ...extra, "-"];
  return runPostie(args, { stdin: message });
}

peerTest("trace --verify: every claim of an honest message is confirmed", PEERS, async () => {
  await withZone(async (dns, signature) => {
    const message = received(signature, "203.0.113.5");
    ok(await dkimpyVerifies(encoder.encode(message), dns.port), "python3-dkim agrees");
    const { code, stdout } = await trace(dns, message);
    equal(code, 0);
    match(
      stdout,
      /^info +verify-dkim: dkim=pass claimed by mx1\.example\.org for d=example\.net s=s1: confirmed$/m,
    );
    match(
      stdout,
      /^info +verify-spf: spf=pass claimed by mx1\.example\.org for 203\.0\.113\.5 \(hop 1\): confirmed$/m,
    );
    match(
      stdout,
      /^info +verify-dmarc: dmarc=pass claimed by mx1\.example\.org for example\.net: confirmed$/m,
    );
    match(stdout, /^info +verify-arc: arc=none \(0 ARC sets\); nothing claimed$/m);
    match(stdout, /^verdict: .*; verified now: no claim contradicted$/m);
  });
});

peerTest("trace --verify: a body changed after signing fails DKIM now", PEERS, async () => {
  await withZone(async (dns, signature) => {
    const message = received(signature, "203.0.113.5", ORIGINAL.replace("in.", "out."));
    ok(!(await dkimpyVerifies(encoder.encode(message), dns.port)), "python3-dkim agrees");
    const { code, stdout } = await trace(dns, message);
    equal(code, 0);
    match(
      stdout,
      /^error +verify-dkim: dkim=pass claimed by mx1\.example\.org for d=example\.net s=s1, but fail \(body hash did not verify\) now: the body changed\?$/m,
    );
    match(stdout, /verify-spf: .*: confirmed$/m);
    match(
      stdout,
      /^verdict: suspicious: 1 claim not as verified now; header: 1 hop in 3s; nothing unusual$/m,
    );
  });
});

peerTest(
  "trace --verify: spf=pass claimed for an address the record does not list",
  PEERS,
  async () => {
    await withZone(async (dns, signature) => {
      const message = received(signature, "198.51.100.9");
      ok(await dkimpyVerifies(encoder.encode(message), dns.port), "the signature itself is fine");
      const { code, stdout } = await trace(dns, message, ["--json"]);
      equal(code, 0);
      const result = JSON.parse(stdout);
      const spf = result.findings.find((f: { code: string }) => f.code === "verify-spf");
      equal(spf.severity, "error");
      match(
        spf.message,
        /^spf=pass claimed by mx1\.example\.org for 198\.51\.100\.9 \(hop 1\), but fail/,
      );
      equal(result.verification.client.ip, "198.51.100.9");
      equal(result.verification.client.mailFrom, "bounce@example.net");
      equal(result.verification.spf.result, "fail");
      equal(result.verification.dkim[0].result, "pass");
      // DMARC still passes: the DKIM signature of example.net is aligned (RFC 7489 §4.2)
      equal(result.verification.dmarc.result, "pass");
    });
  },
);

peerTest("trace --verify --html: the findings of the check are on the page", PEERS, async () => {
  await withZone(async (dns, signature) => {
    const file = await Deno.makeTempFile({ suffix: ".html" });
    try {
      const message = received(signature, "203.0.113.5", ORIGINAL.replace("in.", "out."));
      const { code } = await trace(dns, message, ["--html", file]);
      equal(code, 0);
      const page = await Deno.readTextFile(file);
      match(page, /verify-dkim: dkim=pass claimed by mx1\.example\.org .* the body changed\?/);
      match(page, /suspicious: 1 claim not as verified now/);
    } finally {
      await Deno.remove(file);
    }
  });
});

peerTest(
  "trace --verify: a list broke DKIM, its ARC set vouches for the original",
  PEERS,
  async () => {
    const arcKey = await createDkimKey("rsa");
    await withZone(async (dns, signature) => {
      // The list tags the subject (breaking DKIM) and seals what it checked (RFC 8617 §5.1).
      const listed = signature + ORIGINAL.replace("Subject: report", "Subject: [list] report");
      const arcDns = await startDnsmasq([
        txtRecordFlag("arc._domainkey.forwarder.test", arcKey.record),
        `--server=/example.net/127.0.0.1#${dns.port}`,
      ]);
      const resolver = new Resolver({ nameServer: arcDns.nameServer });
      try {
        const { authenticate } = await loadMailauth();
        const sealed = await authenticate(listed, {
          resolver: mailauthResolver(resolver) as DNSResolver,
          ip: "203.0.113.5",
          sender: "bounce@example.net",
          mta: "lists.forwarder.test",
          disableBimi: true,
          seal: { signingDomain: "forwarder.test", selector: "arc", privateKey: arcKey.privateKey },
        });
        const message =
          "Authentication-Results: mx1.example.org; dkim=fail header.d=example.net; " +
          "arc=pass\r\nReceived: from lists.forwarder.test (lists.forwarder.test [198.51.100.20])" +
          "\r\n\tby mx1.example.org; Tue, 24 Nov 2026 05:00:09 +0000\r\n" + sealed.headers + listed;
        const bytes = encoder.encode(message);
        ok(!(await dkimpyVerifies(bytes, arcDns.port)), "python3-dkim: DKIM fails");
        equal(await dkimpyArc(bytes, arcDns.port), "pass", "python3-dkim: ARC passes");
        const { code, stdout } = await trace(arcDns, message);
        equal(code, 0);
        match(
          stdout,
          /verify-dkim: dkim=fail claimed by mx1\.example\.org for d=example\.net s=s1: confirmed$/m,
        );
        match(
          stdout,
          /verify-arc: arc=pass claimed by mx1\.example\.org \(1 ARC set\): confirmed$/m,
        );
      } finally {
        resolver.close();
        await arcDns.stop();
      }
    });
  },
);
