import { deepEqual, equal, match, ok } from "node:assert/strict";
import { BDAT_CHUNK_OCTETS, runClientSession } from "../../../lib/smtp/client/connection.ts";
import { LineReader, readChunk, readerSource } from "../../../lib/wire/mod.ts";
import { createTestCertificate, requirePeer } from "../../peers.ts";
import { ClientSession } from "../../../lib/smtp/client/session.ts";
import type { TranscriptEvent } from "../../../lib/smtp/client/transcript.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A server that answers a pipelining EHLO and then whatever the client sent, one reply per
 * command line, and keeps every octet it received.
 */
function pipeliningServer() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let received = "";
  const served = (async () => {
    const conn = await listener.accept();
    listener.close();
    const say = (text: string) => conn.write(encoder.encode(text));
    await say("220 mx.test ESMTP\r\n");
    const buffer = new Uint8Array(65536);
    let inData = false;
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      const before = received.length;
      received += decoder.decode(buffer.subarray(0, n));
      if (inData) {
        if (!received.endsWith("\r\n.\r\n")) continue;
        inData = false;
        await say("250 2.0.0 Ok: queued as X1\r\n");
        continue;
      }
      for (const line of received.slice(before).split("\r\n").filter((l) => l !== "")) {
        const verb = line.split(" ")[0];
        if (verb === "EHLO") await say("250-mx.test\r\n250-PIPELINING\r\n250 SIZE\r\n");
        else if (verb === "DATA") (inData = true, await say("354 go\r\n"));
        else if (verb === "QUIT") await say("221 bye\r\n");
        else await say("250 ok\r\n");
      }
    }
    conn.close();
  })();
  return { port: (listener.addr as Deno.NetAddr).port, served, received: () => received };
}

Deno.test("runClientSession: pipelined envelope, streamed dot-stuffed content, transcript", async () => {
  const server = pipeliningServer();
  const session = new ClientSession({
    clientName: "c.test",
    transactions: [{
      reversePath: "a@x.test",
      recipients: [{ forwardPath: "b@y.test" }, { forwardPath: "c@y.test" }],
      size: 20,
    }],
  });
  const events: TranscriptEvent[] = [];
  const chunks = ["Subject: s\n\n.", "dot\nlast line without newline"].map((t) =>
    encoder.encode(t)
  );
  const run = await runClientSession(session, {
    hostname: "127.0.0.1",
    port: server.port,
    content: () => ReadableStream.from(chunks),
    onTranscript: (event) => events.push(event),
  });
  await server.served;
  equal(run.error, undefined);
  ok(session.delivered);
  ok(
    server.received().includes(
      "MAIL FROM:<a@x.test> SIZE=20\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<c@y.test>\r\nDATA\r\n",
    ),
  );
  ok(server.received().includes("Subject: s\r\n\r\n..dot\r\nlast line without newline\r\n.\r\n"));
  const [r, s] = ["receive", "send"];
  deepEqual(events.map((e) => e.direction), [
    ...["connect", r, s, r, r, r], // banner, EHLO and its three lines
    ...[s, s, s, s, r, r, r, r], // the pipelined group and its replies
    ...["content", r, s, r], // content, its reply, QUIT, 221
  ]);
  ok(events.every((e, i) => i === 0 || e.elapsedMs >= events[i - 1].elapsedMs));
  deepEqual(Object.keys(run.timings), [
    "connect",
    "banner",
    "ehlo",
    "mail",
    "rcpt",
    "data",
    "content",
    "quit",
  ]);
});

Deno.test("runClientSession: keepOpen session fed by nextTransaction, content per transaction", async () => {
  const server = pipeliningServer();
  const session = new ClientSession({ clientName: "c.test", transactions: [], keepOpen: true });
  const senders = ["a@x.test", "b@x.test", "c@x.test"];
  let next = 0;
  const run = await runClientSession(session, {
    hostname: "127.0.0.1",
    port: server.port,
    content: (t) => ReadableStream.from([encoder.encode(`From: ${t.reversePath}\r\n\r\nhi\r\n`)]),
    nextTransaction: () => {
      const reversePath = senders[next++];
      if (reversePath === undefined) return undefined;
      return { reversePath, recipients: [{ forwardPath: "r@y.test" }] };
    },
  });
  await server.served;
  equal(run.error, undefined);
  deepEqual(session.transactions.map((t) => t.delivered), [true, true, true]);
  ok(session.delivered);
  for (const sender of senders) {
    ok(server.received().includes(`MAIL FROM:<${sender}>\r\n`));
    ok(server.received().includes(`From: ${sender}\r\n\r\nhi\r\n.\r\n`));
  }
  equal(server.received().includes("RSET"), false);
  ok(server.received().endsWith("QUIT\r\n"));
});

/**
 * A one-connection server over `listener` that answers EHLO with `ehlo`, BDAT chunks with 250
 * (keeping their sizes), STARTTLS with `starttls` and anything else with 250.
 */
function scriptedListener(listener: Deno.Listener, ehlo: string, starttls = "220 go") {
  const chunks: number[] = [];
  const served = (async () => {
    const conn = await listener.accept();
    listener.close();
    const reader = new LineReader(readerSource(conn));
    const say = (text: string) => conn.write(encoder.encode(`${text}\r\n`));
    await say("220 mx.test ESMTP");
    for (let line = await reader.readLine(); line !== null; line = await reader.readLine()) {
      const [verb, size] = decoder.decode(line.bytes).split(" ");
      if (verb === "BDAT") {
        let octets = 0;
        for await (const piece of readChunk(reader, Number(size))) octets += piece.length;
        chunks.push(octets);
      }
      await say(verb === "EHLO" ? ehlo : verb === "STARTTLS" ? starttls : "250 ok");
      if (verb === "QUIT" || verb === "STARTTLS") break;
    }
    conn.close();
  })();
  return { port: (listener.addr as Deno.NetAddr).port, served, chunks };
}

Deno.test("implicit TLS, --insecure: BDAT in 1 MiB chunks, the transcript marked as TLS", async () => {
  if (!(await requirePeer(undefined, "openssl"))) return;
  const dir = await Deno.makeTempDir();
  try {
    const cert = await createTestCertificate(dir);
    const listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: cert.certPem,
      key: cert.keyPem,
    });
    const server = scriptedListener(listener, "250-mx.test\r\n250 CHUNKING");
    const session = new ClientSession({
      clientName: "c.test",
      transactions: [{ reversePath: "a@x.test", recipients: [{ forwardPath: "b@y.test" }] }],
      secure: true,
    });
    const piece = new Uint8Array(64 * 1024).fill(0x61);
    const events: TranscriptEvent[] = [];
    const run = await runClientSession(session, {
      hostname: "127.0.0.1",
      port: server.port,
      tls: { serverName: "localhost", insecure: true },
      content: () => ReadableStream.from(Array.from({ length: 40 }, () => piece)),
      onTranscript: (event) => events.push(event),
    });
    await server.served;
    equal(run.error, undefined);
    ok(session.delivered);
    deepEqual(server.chunks, [BDAT_CHUNK_OCTETS, BDAT_CHUNK_OCTETS, 512 * 1024]);
    deepEqual([run.tls?.verified, run.tls?.sni, typeof run.tls?.version], [
      false,
      "localhost",
      "string",
    ]);
    ok(events.filter((e) => e.direction === "send").every((e) => e.tls));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("STARTTLS: a 220 followed by injected data, or no TLS, fails at starttls", async () => {
  const server = scriptedListener(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    "250-mx.test\r\n250 STARTTLS",
    "220 go\r\n250 injected",
  );
  const session = new ClientSession({
    clientName: "c.test",
    transactions: [{ reversePath: "a@x.test", recipients: [{ forwardPath: "b@y.test" }] }],
    starttls: "require",
  });
  const run = await runClientSession(session, {
    hostname: "127.0.0.1",
    port: server.port,
    content: () => ReadableStream.from([]),
    timeoutMs: 2000,
  });
  await server.served;
  equal(run.error?.stage, "starttls");
  match(run.error!.message, /TLS handshake failed/);
});
