/**
 * `postie serve` speaking SMTP to a raw client: pipelining (RFC 2920) in one write and byte by
 * byte, the HELO/EHLO dialogue and the small commands, shutdown on SIGTERM, and startup failures
 * with their sysexits codes.
 */

import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { assertDelivered, collectDelivered, withServe } from "./delivered.ts";
import { RawClient, type RawReply } from "./raw_client.ts";
import { freeLoopbackPort } from "./serve_process.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const options = { sanitizeOps: false, sanitizeResources: false };

const BODY = "From: a@x.test\r\nTo: b@y.test\r\nSubject: pipelined\r\n\r\n" +
  "Hello.\r\n.a line that starts with a dot\r\n..two dots\r\n.\r\nlast line\r\n";
/** {@link BODY} dot-stuffed and ended, as it goes on the wire (RFC 5321 §4.5.2). */
const WIRE_BODY = BODY.replace(/^\./gm, "..") + ".\r\n";

/** Replies as `code text` lines, queue ids masked, for comparing two sessions. */
function shape(replies: RawReply[]): string[] {
  return replies.flatMap((reply) =>
    reply.lines.map((line) => `${reply.code} ${line.replace(/queued as \w+/, "queued as ID")}`)
  );
}

function codes(replies: RawReply[]): number[] {
  return replies.map((reply) => reply.code);
}

Deno.test(
  "pipelining: EHLO, MAIL, RCPT x3 and DATA in one write, then the body",
  options,
  async () => {
    await withServe([], async (serve) => {
      const client = await RawClient.connect(serve.port);
      await client.readReplies(1);
      await client.write(
        "EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b1@y.test>\r\nRCPT TO:<b2@y.test>\r\n" +
          "RCPT TO:<b3@y.test>\r\nDATA\r\n",
      );
      const replies = await client.readReplies(6);
      deepEqual(codes(replies), [250, 250, 250, 250, 250, 354]);
      ok(replies[0].lines.includes("PIPELINING"));
      deepEqual(shape(replies.slice(1, 5)), [
        "250 2.1.0 Sender ok",
        "250 2.1.5 Recipient ok",
        "250 2.1.5 Recipient ok",
        "250 2.1.5 Recipient ok",
      ]);
      await client.write(WIRE_BODY);
      const [queued] = await client.readReplies(1);
      match(queued.lines[0], /^2\.0\.0 Ok: queued as \w+$/);
      await client.write("QUIT\r\n");
      deepEqual(codes(await client.readReplies(1)), [221]);
      await client.closed();
      await client.close();
      const [message, ...more] = await collectDelivered(serve);
      equal(more.length, 0);
      assertDelivered(message, { from: "a@x.test", content: BODY });
    });
  },
);

/** A whole session, commands and body and QUIT, with one refused RCPT in the middle. */
const WHOLE_SESSION = "EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b1@y.test>\r\n" +
  "RCPT TO:<not an address>\r\nRCPT TO:<b3@y.test>\r\nDATA\r\n" + WIRE_BODY + "QUIT\r\n";
const WHOLE_SESSION_REPLIES = [
  "250 postie.test greets c.test",
  "250 2.1.0 Sender ok",
  "250 2.1.5 Recipient ok",
  "501 5.1.3 Bad recipient address syntax",
  "250 2.1.5 Recipient ok",
  "354 End data with <CR><LF>.<CR><LF>",
  "250 2.0.0 Ok: queued as ID",
  "221 2.0.0 postie.test closing connection",
];

/** Runs {@link WHOLE_SESSION} through `send` and checks the replies, in order. */
async function wholeSession(port: number, send: (client: RawClient) => Promise<void>) {
  const client = await RawClient.connect(port);
  try {
    await client.readReplies(1);
    await send(client);
    const replies = await client.readReplies(8);
    const lines = shape(replies).filter((line) => !/^250 [A-Z0-9-]+( \d+)?$/.test(line));
    equal(lines.length, WHOLE_SESSION_REPLIES.length, lines.join("\n"));
    lines.forEach((line, i) => ok(line.startsWith(WHOLE_SESSION_REPLIES[i]), `${i}: ${line}`));
    await client.closed();
    return shape(replies);
  } finally {
    await client.close();
  }
}

Deno.test(
  "pipelining: a whole transaction, body and QUIT in one write, and byte by byte",
  options,
  async () => {
    await withServe([], async (serve) => {
      const together = await wholeSession(serve.port, (client) => client.write(WHOLE_SESSION));
      const bytewise = await wholeSession(
        serve.port,
        (client) => client.writeBytewise(WHOLE_SESSION, 1),
      );
      deepEqual(bytewise, together);
      const messages = await collectDelivered(serve);
      equal(messages.length, 2);
      for (const message of messages) assertDelivered(message, { from: "a@x.test", content: BODY });
    });
  },
);

Deno.test(
  "dialogue: HELO and EHLO, VRFY, EXPN, HELP, RSET, NOOP, unknown commands",
  options,
  async () => {
    await withServe([], async (serve) => {
      const client = await RawClient.connect(serve.port);
      deepEqual(await client.readReplies(1), [{ code: 220, lines: ["postie.test ESMTP postie"] }]);
      // RFC 5321 §4.1.1.1: HELO gets one line and no extensions; ESMTP parameters are then refused.
      deepEqual(await client.command("HELO c.test"), { code: 250, lines: ["postie.test"] });
      equal((await client.command("MAIL FROM:<a@x.test> SIZE=10")).code, 555);
      const ehlo = await client.command("EHLO c.test");
      equal(ehlo.code, 250);
      equal(ehlo.lines[0], "postie.test greets c.test");
      for (const extension of ["PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES"]) {
        ok(ehlo.lines.includes(extension), extension);
      }
      ok(ehlo.lines.some((line) => /^SIZE \d+$/.test(line)));
      // RFC 5321 §3.5.3: 252, the server will not verify but will accept the message.
      const vrfy = await client.command("VRFY postmaster");
      equal(vrfy.code, 252);
      match(vrfy.lines[0], /^2\.5\.0 /);
      equal((await client.command("EXPN staff")).code, 502);
      const help = await client.command("HELP");
      equal(help.code, 214);
      match(help.lines[0], /^2\.0\.0 Commands: .*MAIL/);
      deepEqual(await client.command("NOOP"), { code: 250, lines: ["2.0.0 Ok"] });
      deepEqual(await client.command("NOOP any text"), { code: 250, lines: ["2.0.0 Ok"] });
      equal((await client.command("MAIL FROM:<a@x.test>")).code, 250);
      deepEqual(await client.command("RSET"), { code: 250, lines: ["2.0.0 Ok"] });
      // The RSET ended the transaction: RCPT now is out of sequence (RFC 5321 §4.1.1.5).
      equal((await client.command("RCPT TO:<b@y.test>")).code, 503);
      deepEqual(await client.command("FROBNICATE"), {
        code: 500,
        lines: ["5.5.2 Error: command not recognized"],
      });
      equal((await client.command("MAIL FROM:<a@x.test>")).code, 250);
      equal((await client.command("RCPT TO:<b@y.test>")).code, 250);
      equal((await client.command("DATA")).code, 354);
      await client.write(WIRE_BODY);
      equal((await client.readReplies(1))[0].code, 250);
      equal((await client.command("QUIT")).code, 221);
      await client.closed();
      await client.close();
      const messages = await collectDelivered(serve);
      equal(messages.length, 1);
      assertDelivered(messages[0], { from: "a@x.test", content: BODY, recipient: "b@y.test" });
    });
  },
);

Deno.test(
  "BDAT: chunks of a transaction ended by RSET are not part of the next message",
  options,
  async () => {
    await withServe([], async (serve) => {
      const client = await RawClient.connect(serve.port);
      await client.readReplies(1);
      // RFC 3030 §2: RSET after BDAT chunks discards them with the transaction.
      await client.write(
        "EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nBDAT 7\r\nstale\r\nRSET\r\n" +
          "MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nBDAT 7 LAST\r\nfresh\r\nQUIT\r\n",
      );
      const replies = await client.readReplies(9);
      deepEqual(codes(replies), [250, 250, 250, 250, 250, 250, 250, 250, 221]);
      await client.closed();
      await client.close();
      const messages = await collectDelivered(serve);
      equal(messages.length, 1);
      assertDelivered(messages[0], {
        from: "a@x.test",
        content: "fresh\r\n",
        recipient: "b@y.test",
      });
    });
  },
);

Deno.test("SIGTERM while idle: the client gets 421 and serve exits 0", options, async () => {
  await withServe([], async (serve) => {
    const client = await RawClient.connect(serve.port);
    await client.readReplies(1);
    await client.write("EHLO c.test\r\n");
    await client.readReplies(1);
    equal(await serve.stop(), 0);
    const [reply] = await client.readReplies(1);
    equal(reply.code, 421);
    match(reply.lines[0], /^4\.3\.2 postie\.test Service shutting down/);
    await client.closed();
    await client.close();
  });
});

Deno.test(
  "SIGTERM in a transaction: it may finish within --grace (250, then 421)",
  options,
  async () => {
    await withServe(["--grace", "5s"], async (serve) => {
      const client = await RawClient.connect(serve.port);
      await client.readReplies(1);
      await client.write("EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\n");
      await client.readReplies(3);
      const stopping = serve.stop();
      // The server waits for this transaction: DATA still works after the signal.
      await new Promise((resolve) => setTimeout(resolve, 200));
      equal((await client.command("DATA")).code, 354);
      await client.write(WIRE_BODY);
      const replies = await client.readReplies(2);
      deepEqual(codes(replies), [250, 421]);
      await client.closed();
      await client.close();
      equal(await stopping, 0);
      const messages = await collectDelivered(serve);
      equal(messages.length, 1);
      assertDelivered(messages[0], { from: "a@x.test", content: BODY, recipient: "b@y.test" });
    });
  },
);

Deno.test(
  "SIGTERM in a stalled transaction: 421 when --grace runs out, exit 0",
  options,
  async () => {
    await withServe(["--grace", "300ms"], async (serve) => {
      const client = await RawClient.connect(serve.port);
      await client.readReplies(1);
      await client.write("EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
      await client.readReplies(4);
      await client.write("Subject: never finished\r\n\r\nhalf");
      const since = Date.now();
      equal(await serve.stop(), 0);
      const elapsed = Date.now() - since;
      ok(elapsed >= 300 && elapsed < 3_000, `stopped after ${elapsed} ms`);
      equal((await client.readReplies(1))[0].code, 421);
      await client.closed();
      await client.close();
      equal((await collectDelivered(serve)).length, 0);
    });
  },
);

/** Runs `postie serve` with `args` to its exit; it must fail to start. */
async function serveExit(args: string[]): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--hostname", "postie.test", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const { code, stderr } = await child.output();
  clearTimeout(timer);
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test("startup: a port in use exits 78 (EX_CONFIG) with a one-line reason", async () => {
  const port = freeLoopbackPort();
  const holder = Deno.listen({ hostname: "127.0.0.1", port });
  const dataDir = await Deno.makeTempDir({ prefix: "postie-serve-" });
  try {
    const { code, stderr } = await serveExit([
      "--listen",
      `127.0.0.1:${port}`,
      "--data-dir",
      dataDir,
    ]);
    equal(code, 78);
    match(
      stderr,
      new RegExp(`^postie serve: .*127\\.0\\.0\\.1:${port}.*address already in use\\n$`),
    );
  } finally {
    holder.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("startup: a data dir that cannot be created exits 73 (EX_CANTCREAT)", async () => {
  // Root ignores file modes, so the data dir goes under a regular file: mkdir fails for anyone.
  const file = await Deno.makeTempFile({ prefix: "postie-not-a-dir-" });
  try {
    const dataDir = join(file, "data");
    const port = freeLoopbackPort();
    const { code, stderr } = await serveExit([
      "--listen",
      `127.0.0.1:${port}`,
      "--data-dir",
      dataDir,
    ]);
    equal(code, 73);
    match(stderr, /^postie serve: [^\n]+\n$/);
    ok(stderr.includes(dataDir), stderr);
  } finally {
    await Deno.remove(file);
  }
});
