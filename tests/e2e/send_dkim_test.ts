/**
 * `postie send --dkim-key`: messages signed on the way out, received by aiosmtpd, and the
 * signature checked there by python3-dkim (the `dkimverify` peer) and by lib/auth, with the
 * public key served by dnsmasq. RSA and Ed25519; composed, --data FILE and --data -.
 */

import { deepEqual, equal, match, ok } from "node:assert/strict";
import { verifyMessage } from "../../lib/auth/verify.ts";
import { Resolver } from "../../lib/dns/resolver.ts";
import { dkimpyVerifies } from "../auth/dkimpy.ts";
import { createDkimKey, type DkimKeyType, txtRecordFlag } from "../auth/keys.ts";
import { runPostie } from "../cli/run_postie.ts";
import {
  type DnsmasqPeer,
  peerTest,
  readSavedMessages,
  startAiosmtpd,
  startDnsmasq,
} from "../peers.ts";

const PEERS = ["aiosmtpd", "dnsmasq", "dkimverify"];
const encoder = new TextEncoder();

interface Setup {
  port: number;
  dir: string;
  dns: DnsmasqPeer;
  keyFile: string;
}

/** aiosmtpd, dnsmasq publishing `key` as s1._domainkey of example.test and other.test. */
async function withSetup(type: DkimKeyType, fn: (setup: Setup) => Promise<void>): Promise<void> {
  const key = await createDkimKey(type);
  const keyFile = await Deno.makeTempFile({ suffix: ".pem" });
  await Deno.writeTextFile(keyFile, key.privateKey);
  const dir = await Deno.makeTempDir();
  const server = await startAiosmtpd({ saveDir: dir });
  const dns = await startDnsmasq([
    txtRecordFlag("s1._domainkey.example.test", key.record),
    txtRecordFlag("s1._domainkey.other.test", key.record),
  ]);
  try {
    await fn({ port: server.port, dir, dns, keyFile });
  } finally {
    await dns.stop();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(keyFile);
  }
}

function send(setup: Setup, args: string[], stdin?: Uint8Array) {
  return runPostie([
    "send",
    "--server",
    `127.0.0.1:${setup.port}`,
    "--helo",
    "client.test",
    "--timeout",
    "10s",
    "--dkim-key",
    setup.keyFile,
    "--dkim-selector",
    "s1",
    ...args,
  ], { stdin });
}

/** The one saved message, checked by python3-dkim and by lib/auth; returns it. */
async function assertSigned(setup: Setup, domain: string, algorithm: string): Promise<Uint8Array> {
  const [saved] = await readSavedMessages(setup.dir);
  ok(await dkimpyVerifies(saved.content, setup.dns.port), "python3-dkim verifies");
  const resolver = new Resolver({ nameServer: setup.dns.nameServer });
  try {
    const checked = await verifyMessage(saved.content, { resolver });
    deepEqual(
      checked.dkim.map((d) => [d.result, d.domain, d.selector, d.algorithm]),
      [["pass", domain, "s1", algorithm]],
    );
  } finally {
    resolver.close();
  }
  return saved.content;
}

for (const type of ["rsa", "ed25519"] as DkimKeyType[]) {
  peerTest(
    `send --dkim-key (${type}): a composed message verifies at the receiver`,
    PEERS,
    async () => {
      await withSetup(type, async (setup) => {
        const result = await send(setup, [
          "--from",
          "Ann <ann@example.test>",
          "--to",
          "bob@y.test",
          "--subject",
          "Grüße",
          "--body",
          "Hallo Bob,\nbis später.\n",
        ]);
        equal(result.code, 0, result.stderr);
        const content = await assertSigned(setup, "example.test", `${type}-sha256`);
        match(new TextDecoder().decode(content), /^DKIM-Signature: v=1; a=/);
      });
    },
  );
}

peerTest("send --dkim-key: HTML and a 1 MB attachment, composed twice alike", PEERS, async () => {
  const dir = await Deno.makeTempDir();
  const attachment = new Uint8Array(1024 * 1024).map((_, i) => (i * 7919) % 256);
  await Deno.writeFile(`${dir}/data.bin`, attachment);
  await Deno.writeTextFile(`${dir}/page.html`, "<p>Hallo <b>Bob</b></p>\n");
  try {
    await withSetup("rsa", async (setup) => {
      const result = await send(setup, [
        "--from",
        "ann@example.test",
        "--to",
        "bob@y.test",
        "--html",
        `${dir}/page.html`,
        "--attach",
        `${dir}/data.bin`,
      ]);
      equal(result.code, 0, result.stderr);
      const content = await assertSigned(setup, "example.test", "rsa-sha256");
      match(new TextDecoder().decode(content.subarray(0, 4096)), /multipart\/mixed/i);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

peerTest(
  "send --dkim-key --data FILE: 2 MB streamed, signed for --dkim-domain",
  PEERS,
  async () => {
    const lines = ["From: a@example.test", "To: b@y.test", "Subject: big", "", ".leading dot"];
    for (let i = 0; i < 40_000; i++) lines.push(`line ${i} ${"x".repeat(40)}`);
    const message = encoder.encode(lines.join("\r\n") + "\r\n");
    const file = await Deno.makeTempFile({ suffix: ".eml" });
    await Deno.writeFile(file, message);
    try {
      await withSetup("rsa", async (setup) => {
        const args = ["--envelope-from", "a@example.test", "--to", "b@y.test", "--data", file];
        const result = await send(setup, [...args, "--dkim-domain", "other.test", "--json"]);
        equal(result.code, 0, result.stderr);
        const content = await assertSigned(setup, "other.test", "rsa-sha256");
        // The message follows the DKIM-Signature field byte for byte.
        deepEqual(content.subarray(content.length - message.length), message);
      });
    } finally {
      await Deno.remove(file);
    }
  },
);

peerTest("send --dkim-key --data -: stdin is held, signed and sent", PEERS, async () => {
  const message = encoder.encode(
    "From: a@example.test\r\nTo: b@y.test\r\nSubject: s\r\n\r\nhi\r\n",
  );
  await withSetup("ed25519", async (setup) => {
    const args = ["--envelope-from", "a@example.test", "--to", "b@y.test", "--data", "-"];
    const result = await send(setup, args, message);
    equal(result.code, 0, result.stderr);
    await assertSigned(setup, "example.test", "ed25519-sha256");
  });
});

Deno.test("send --dkim-*: what cannot be signed stops before connecting", async () => {
  const key = await createDkimKey("rsa");
  const keyFile = await Deno.makeTempFile({ suffix: ".pem" });
  const badKey = await Deno.makeTempFile({ suffix: ".pem" });
  await Deno.writeTextFile(keyFile, key.privateKey);
  await Deno.writeTextFile(
    badKey,
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
  );
  // Port 9 (discard) on loopback: nothing listens, and nothing is tried before the checks.
  const base = ["send", "--server", "127.0.0.1:9", "--to", "b@y.test"];
  const composed = [...base, "--from", "a@example.test", "--body", "hi"];
  try {
    const noSelector = await runPostie([...composed, "--dkim-key", keyFile]);
    equal(noSelector.code, 64);
    match(noSelector.stderr, /--dkim-selector/);
    const missing = await runPostie([
      ...composed,
      "--dkim-key",
      "/nonexistent.pem",
      "--dkim-selector",
      "s",
    ]);
    equal(missing.code, 66);
    const bad = await runPostie([...composed, "--dkim-key", badKey, "--dkim-selector", "s"]);
    equal(bad.code, 78);
    match(bad.stderr, /--dkim-key: cannot sign/);
    const noFrom = await runPostie(
      [
        ...base,
        "--envelope-from",
        "a@example.test",
        "--data",
        "-",
        "--dkim-key",
        keyFile,
        "--dkim-selector",
        "s",
      ],
      { stdin: "Subject: no From\r\n\r\nhi\r\n" },
    );
    equal(noFrom.code, 65);
    match(noFrom.stderr, /no From domain/);
  } finally {
    await Deno.remove(keyFile);
    await Deno.remove(badKey);
  }
});
