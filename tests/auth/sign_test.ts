import { equal, match, ok, rejects } from "node:assert/strict";
import { DkimSignError, signDkim } from "../../lib/auth/mod.ts";
import { verifyMessage } from "../../lib/auth/verify.ts";
import { Resolver } from "../../lib/dns/resolver.ts";
import { peerTest, startDnsmasq } from "../peers.ts";
import { dkimpyVerifies } from "./dkimpy.ts";
import { createDkimKey, type DkimKeyType, txtRecordFlag } from "./keys.ts";

const encoder = new TextEncoder();
const MESSAGE = encoder.encode(
  "From: Ann <ann@example.test>\r\nTo: bob@example.org\r\nSubject: hello\r\n" +
    "Date: Tue, 24 Nov 2026 05:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\n" +
    "Hello  Bob, \r\nsee you.\r\n\r\n\r\n",
);

function concat(field: string, message: Uint8Array): Uint8Array {
  const head = encoder.encode(field);
  const whole = new Uint8Array(head.length + message.length);
  whole.set(head);
  whole.set(message, head.length);
  return whole;
}

for (const type of ["rsa", "ed25519"] as DkimKeyType[]) {
  peerTest(`signDkim ${type}: verifies with mailauth and python3-dkim`, [
    "dnsmasq",
    "dkimverify",
  ], async () => {
    const key = await createDkimKey(type);
    const dns = await startDnsmasq([txtRecordFlag("s1._domainkey.example.test", key.record)]);
    const resolver = new Resolver({ nameServer: dns.nameServer });
    try {
      const field = await signDkim(MESSAGE, { privateKey: key.privateKey, selector: "s1" });
      match(field, new RegExp(`^DKIM-Signature: v=1; a=${type}-sha256; c=relaxed/relaxed;`));
      match(field, /d=example\.test;/);
      match(field, /\r\n$/);
      const signed = concat(field, MESSAGE);
      const checked = await verifyMessage(signed, { resolver });
      equal(checked.dkim.length, 1);
      equal(checked.dkim[0].result, "pass");
      equal(checked.dkim[0].algorithm, `${type}-sha256`);
      ok(await dkimpyVerifies(signed, dns.port));
      // RFC 6376 §3.4.4: relaxed body canonicalization ignores trailing spaces, not words
      const tampered = concat(
        field,
        encoder.encode(new TextDecoder().decode(MESSAGE).replace("Bob", "Rob")),
      );
      const after = await verifyMessage(tampered, { resolver });
      equal(after.dkim[0].bodyHashMatches, false);
      equal(after.dkim[0].result, "fail");
      ok(!(await dkimpyVerifies(tampered, dns.port)));
    } finally {
      resolver.close();
      await dns.stop();
    }
  });
}

Deno.test("signDkim: a stream gives the same signature as the bytes", async () => {
  const key = await createDkimKey("ed25519");
  const options = {
    privateKey: key.privateKey,
    selector: "s1",
    signTime: new Date(1_700_000_000_000),
  };
  const chunks = [3, 50, 51, 52, 120].map((end, i, ends) => MESSAGE.slice(ends[i - 1] ?? 0, end));
  chunks.push(MESSAGE.slice(120));
  const fromStream = await signDkim(ReadableStream.from(chunks), options);
  equal(fromStream, await signDkim(MESSAGE, options));
});

Deno.test("signDkim: --dkim-domain and the signed header list", async () => {
  const key = await createDkimKey("rsa");
  const field = await signDkim(MESSAGE, {
    privateKey: key.privateKey,
    selector: "s2",
    domain: "example.org",
    headers: ["From", "Subject"],
  });
  match(field, /d=example\.org;/);
  // mailauth lists the fields bottom-up, the order a verifier takes them (RFC 6376 §5.4.2)
  match(field, /h=Subject:\s*From;/);
  match(field, /s=s2;/);
});

Deno.test("signDkim: typed errors for a bad key and a message without From", async () => {
  const key = await createDkimKey("rsa");
  await rejects(
    signDkim(MESSAGE, { privateKey: "not a key", selector: "s1" }),
    (error) => error instanceof DkimSignError && /cannot sign/.test(error.message),
  );
  const noFrom = encoder.encode("Subject: x\r\n\r\nbody\r\n");
  await rejects(
    signDkim(noFrom, { privateKey: key.privateKey, selector: "s1" }),
    (error) => error instanceof DkimSignError && error.code === "ENOFROM",
  );
  await rejects(
    signDkim(noFrom, { privateKey: key.privateKey, selector: "s1", domain: "example.test" }),
    (error) => error instanceof DkimSignError && error.code === "ENOFROM",
  );
});
