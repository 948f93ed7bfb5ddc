import assert from "node:assert/strict";
import {
  createTestCertificate,
  freePort,
  peerPath,
  peerTest,
  POSTFIX_TEST_DOMAIN,
  readSavedMessages,
  startAiosmtpd,
  startDnsmasq,
  startPostfix,
  startSmtpSink,
  TEST_CREDENTIALS,
} from "./peers.ts";

/** The first reply line a server sends on connect (RFC 5321 §4.2, greeting). */
async function greeting(port: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const buffer = new Uint8Array(512);
    let text = "";
    while (!text.includes("\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return text.slice(0, text.indexOf("\r\n"));
  } finally {
    conn.close();
  }
}

/** Runs swaks against 127.0.0.1:`port`; returns its transcript, throwing if it failed. */
async function swaks(port: number, args: string[] = []): Promise<string> {
  const out = await new Deno.Command(peerPath("swaks")!, {
    args: ["--server", `127.0.0.1:${port}`, "--from", "a@x.test", "--to", "b@y.test", ...args],
    stdin: "null",
  }).output();
  const transcript = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, transcript);
  return transcript;
}

Deno.test("freePort gives a port nobody listens on", () => {
  const port = freePort();
  assert.ok(port > 0 && port < 65536);
  Deno.listen({ hostname: "127.0.0.1", port }).close();
});

peerTest("smtp-sink greets with 220", ["smtp-sink"], async () => {
  const sink = await startSmtpSink();
  try {
    assert.match(await greeting(sink.port), /^220 /);
  } finally {
    await sink.stop();
  }
});

peerTest("stock aiosmtpd greets with 220", ["aiosmtpd"], async () => {
  const server = await startAiosmtpd();
  try {
    assert.match(await greeting(server.port), /^220 /);
  } finally {
    await server.stop();
  }
});

peerTest("aiosmtpd_server.py takes STARTTLS, AUTH and saves the message", [
  "aiosmtpd",
  "openssl",
  "swaks",
], async () => {
  const dir = await Deno.makeTempDir({ prefix: "postie-peers-test-" });
  const tls = await createTestCertificate(dir);
  const { user, password } = TEST_CREDENTIALS;
  const server = await startAiosmtpd({ saveDir: dir, tls, auth: TEST_CREDENTIALS });
  try {
    await swaks(server.port, [
      "--tls",
      "--auth",
      "PLAIN",
      "--auth-user",
      user,
      "--auth-password",
      password,
    ]);
    const [message, ...rest] = await readSavedMessages(dir);
    assert.equal(rest.length, 0);
    assert.deepEqual([message.mailFrom, message.rcptTos, message.tls], [
      "a@x.test",
      ["b@y.test"],
      true,
    ]);
    assert.equal(message.authLogin, user);
    assert.match(new TextDecoder().decode(message.content), /^Date: .*\r\nTo: b@y\.test\r\n/);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

peerTest("dnsmasq answers MX from its records", ["dnsmasq"], async () => {
  const dns = await startDnsmasq([
    "--mx-host=example.test,mx1.example.test,10",
    "--host-record=mx1.example.test,127.0.0.2",
  ]);
  try {
    const mx = await Deno.resolveDns("example.test", "MX", { nameServer: dns.nameServer });
    assert.deepEqual(mx.map((r) => ({ ...r })), [{
      preference: 10,
      exchange: "mx1.example.test.",
    }]);
    await assert.rejects(
      Deno.resolveDns("absent.test", "MX", { nameServer: dns.nameServer }),
      Deno.errors.NotFound,
    );
  } finally {
    await dns.stop();
  }
});

peerTest(
  "private postfix greets with 220 and discards local mail",
  ["postfix", "swaks"],
  async () => {
    const mta = await startPostfix();
    try {
      assert.match(await greeting(mta.port), /^220 mx\.postie\.test ESMTP/);
      await swaks(mta.port, ["--to", `u@${POSTFIX_TEST_DOMAIN}`]);
      await waitFor(() => /discard.*status=sent/.test(mta.output()), mta.output);
    } finally {
      await mta.stop();
    }
  },
);

peerTest("private postfix relays to its relayhost", ["postfix", "aiosmtpd", "swaks"], async () => {
  const dir = await Deno.makeTempDir({ prefix: "postie-peers-test-" });
  const target = await startAiosmtpd({ saveDir: dir });
  const mta = await startPostfix({ relayhost: `[127.0.0.1]:${target.port}` });
  try {
    await swaks(mta.port);
    await waitFor(async () => (await readSavedMessages(dir)).length === 1, mta.output);
    const [message] = await readSavedMessages(dir);
    assert.deepEqual(message.rcptTos, ["b@y.test"]);
  } finally {
    await mta.stop();
    await target.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Polls `done` every 50 ms for up to 10 s; on timeout fails with `context()`. */
async function waitFor(done: () => boolean | Promise<boolean>, context: () => string) {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, `timed out; peer output:\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
