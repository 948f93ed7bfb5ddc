import { deepEqual, equal, ok } from "node:assert/strict";
import { runClientSession } from "../../../lib/smtp/client/connection.ts";
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
