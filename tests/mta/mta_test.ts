import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { Maildir } from "../../lib/delivery/maildir.ts";
import { Logger } from "../../lib/mta/log.ts";
import { DataDirBusyError, Mta, type MtaOptions } from "../../lib/mta/mta.ts";
import { DEFAULT_SESSION_LIMITS } from "../../lib/smtp/server/limits.ts";
import { Spool, type SpoolMeta } from "../../lib/spool/spool.ts";
import { segmentNumber } from "../../lib/spool/segment_writer.ts";
import { RawClient } from "../e2e/raw_client.ts";

const encoder = new TextEncoder();

function options(dataDir: string, lines: string[] = []): MtaOptions {
  return {
    dataDir,
    hostname: "mx.test",
    listen: [{ hostname: "127.0.0.1", port: 0 }],
    limits: DEFAULT_SESSION_LIMITS,
    timeouts: { command: 10_000, dataBlock: 10_000, dataTotal: 10_000 },
    maxConnections: 10,
    maxLineLength: 512,
    logger: new Logger("json", {
      writeSync(bytes) {
        lines.push(...new TextDecoder().decode(bytes).trimEnd().split("\n"));
        return bytes.length;
      },
    }),
  };
}

/** Sends one message and returns the final reply's code and text. */
async function send(port: number, content: string): Promise<{ code: number; text: string }> {
  const client = await RawClient.connect(port);
  try {
    await client.readReplies(1);
    await client.write("EHLO client.test\r\n");
    await client.readReplies(1);
    await client.write("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
    const replies = await client.readReplies(3);
    deepEqual(replies.map((r) => r.code), [250, 250, 354]);
    await client.write(`${content}.\r\nQUIT\r\n`);
    const [done] = await client.readReplies(2);
    return { code: done.code, text: done.lines.join(" ") };
  } finally {
    await client.close();
  }
}

async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

async function segmentsIn(dataDir: string): Promise<string[]> {
  return (await filesIn(join(dataDir, "spool"))).filter((name) =>
    segmentNumber(name) !== undefined
  );
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function spooledMeta(spool: Spool, received: string): SpoolMeta {
  return {
    id: spool.ids.next(),
    receivedAt: Date.now(),
    from: "a@example.test",
    recipients: [{ address: "b@example.test" }],
    mailParams: {},
    client: { address: "127.0.0.1", port: 4000, tls: false },
    received,
  };
}

Deno.test("mta: an accepted message is delivered with Return-Path and Received", async () => {
  const dataDir = await Deno.makeTempDir();
  const lines: string[] = [];
  const mta = await Mta.start(options(dataDir, lines));
  const serving = mta.serve();
  const port = mta.listener.addresses[0].port;
  try {
    const reply = await send(port, "Subject: hello\r\n\r\nbody\r\n");
    equal(reply.code, 250);
    const id = /queued as ([0-9A-Z]+)/.exec(reply.text)?.[1];
    ok(id, reply.text);
    const newDir = join(dataDir, "maildir", "new");
    await until(async () => (await filesIn(newDir)).length === 1, "delivery");
    const [name] = await filesIn(newDir);
    ok(name.includes(`Q${id}.mx.test`), name);
    const text = await Deno.readTextFile(join(newDir, name));
    match(
      text,
      /^Return-Path: <a@example\.test>\r\nReceived: from client\.test \(localhost \[127\.0\.0\.1\]\)\r\n/,
    );
    match(
      text,
      new RegExp(`\tby mx\\.test \\(postie\\) with ESMTP id ${id}\r\n\tfor <b@example\\.test>; `),
    );
    ok(text.endsWith("\r\nSubject: hello\r\n\r\nbody\r\n"));
  } finally {
    await mta.stop(1_000);
    await serving;
  }
  deepEqual(await segmentsIn(dataDir), [], "a clean stop leaves no segment of delivered mail");
  const events = lines.map((line) => JSON.parse(line).event);
  ok(events.includes("message") && events.includes("delivered"), events.join());
});

Deno.test("mta: start recovers what the spool holds, delivering each message once", async () => {
  const dataDir = await Deno.makeTempDir();
  const maildir = new Maildir(join(dataDir, "maildir"));
  await maildir.create();
  // A crashed server left two messages in the spool: one already in the Maildir (delivered,
  // but not yet recorded as done), one not delivered at all.
  const { spool } = await Spool.open(join(dataDir, "spool"), () => Promise.resolve());
  const received = "Received: from c (localhost [127.0.0.1])\r\n\tby mx.test; date\r\n";
  const delivered = spooledMeta(spool, received);
  const undelivered = spooledMeta(spool, received);
  for (const meta of [delivered, undelivered]) {
    await spool.append(meta, [encoder.encode(`Subject: ${meta.id}\r\n\r\n`)]);
  }
  const prefix = `Return-Path: <a@example.test>\r\n${received}`;
  await maildir.deliver(Maildir.fileName(delivered.id, delivered.receivedAt, "mx.test"), [
    encoder.encode(`${prefix}Subject: ${delivered.id}\r\n\r\n`),
  ]);
  const lines: string[] = [];
  const mta = await Mta.start(options(dataDir, lines));
  const serving = mta.serve();
  equal(mta.recovered, 2);
  await mta.stop(1_000);
  await serving;
  const files = await filesIn(join(dataDir, "maildir", "new"));
  equal(files.length, 2);
  for (const meta of [delivered, undelivered]) {
    const name = Maildir.fileName(meta.id, meta.receivedAt, "mx.test");
    equal(
      await Deno.readTextFile(join(dataDir, "maildir", "new", name)),
      `${prefix}Subject: ${meta.id}\r\n\r\n`,
    );
  }
  const recoveredLines = lines.map((line) => JSON.parse(line)).filter((l) =>
    l.event === "delivered"
  );
  deepEqual(
    recoveredLines.map((l) => [l.id, l.recovered]).sort(),
    [
      [delivered.id, true],
      [undelivered.id, undefined],
    ].sort(),
  );
  // Everything is done: the next start recovers nothing and the old segment is gone.
  const again = await Mta.start(options(dataDir));
  const servingAgain = again.serve();
  equal(again.recovered, 0);
  await again.stop(1_000);
  await servingAgain;
  deepEqual(await segmentsIn(dataDir), []);
  equal((await filesIn(join(dataDir, "maildir", "new"))).length, 2);
});

Deno.test("mta: a second server on the same data directory is refused", async () => {
  const dataDir = await Deno.makeTempDir();
  const mta = await Mta.start(options(dataDir));
  const serving = mta.serve();
  try {
    await rejects(Mta.start(options(dataDir)), DataDirBusyError);
  } finally {
    await mta.stop(1_000);
    await serving;
  }
  // Released on stop.
  const next = await Mta.start(options(dataDir));
  const servingNext = next.serve();
  await next.stop(1_000);
  await servingNext;
});

Deno.test("mta: a port in use fails the start and releases the data directory", async () => {
  const dataDir = await Deno.makeTempDir();
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (busy.addr as Deno.NetAddr).port;
    await rejects(
      Mta.start({ ...options(dataDir), listen: [{ hostname: "127.0.0.1", port }] }),
      Deno.errors.AddrInUse,
    );
  } finally {
    busy.close();
  }
  const mta = await Mta.start(options(dataDir));
  const serving = mta.serve();
  await mta.stop(1_000);
  await serving;
});

Deno.test("mta: a port in use fails start and leaves nothing open: the data dir can be used again", async () => {
  const dataDir = await Deno.makeTempDir();
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const busy = { ...options(dataDir), listen: [taken.addr as Deno.NetAddr] };
    await rejects(Mta.start(busy), Deno.errors.AddrInUse);
  } finally {
    taken.close();
  }
  const mta = await Mta.start(options(dataDir));
  const serving = mta.serve();
  await mta.stop(1_000);
  await serving;
});
