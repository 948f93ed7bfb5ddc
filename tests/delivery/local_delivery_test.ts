import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { type DeliveryEvent, LocalDelivery } from "../../lib/delivery/local_delivery.ts";
import { Maildir } from "../../lib/delivery/maildir.ts";
import { Spool, type SpooledMessage } from "../../lib/spool/spool.ts";

const encoder = new TextEncoder();
const RECEIVED = "Received: from client.test (localhost [127.0.0.1])\r\n\tby mx.test (postie) " +
  "with ESMTP id X; Tue, 24 Nov 2026 03:22:55 +0000\r\n";

/** A Maildir whose first `failures` deliveries fail as a full disk does. */
class FlakyMaildir extends Maildir {
  constructor(dir: string, public failures = 0) {
    super(dir);
  }
  override deliver(name: string, content: readonly Uint8Array[]): Promise<string> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(
        Object.assign(new Error("No space left on device"), { code: "ENOSPC" }),
      );
    }
    return super.deliver(name, content);
  }
}

async function setup(failures = 0) {
  const dir = await Deno.makeTempDir();
  const maildir = new FlakyMaildir(join(dir, "maildir"), failures);
  await maildir.create();
  const { spool } = await Spool.open(join(dir, "spool"), () => Promise.resolve());
  const events: DeliveryEvent[] = [];
  const delivery = new LocalDelivery(spool, maildir, "mx.test", (event) => events.push(event));
  return { dir, maildir, spool, events, delivery };
}

async function accept(
  spool: Spool,
  text: string,
  from = "a@example.test",
): Promise<SpooledMessage> {
  const meta = {
    id: spool.ids.next(),
    receivedAt: Date.now(),
    from,
    recipients: [{ address: "b@example.test" }],
    mailParams: {},
    client: { address: "127.0.0.1", port: 4000, tls: false },
    received: RECEIVED,
  };
  const body = encoder.encode(text);
  return { meta, location: await spool.append(meta, [body]), body };
}

async function newFiles(maildir: Maildir): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(maildir.dir, "new"))) names.push(entry.name);
  return names.sort();
}

async function pendingAfterReopen(dir: string): Promise<string[]> {
  const { spool, pending } = await Spool.open(join(dir, "spool"), () => Promise.resolve());
  await spool.close();
  return pending.map((p) => p.meta.id);
}

Deno.test("local delivery: Return-Path, then Received, then the content as sent", async () => {
  const { maildir, spool, events, delivery, dir } = await setup();
  const message = await accept(spool, "Subject: hi\r\n\r\nbody\r\n", "a@example.test");
  const bounce = await accept(spool, "Subject: bounce\r\n\r\n", "");
  delivery.enqueue(message);
  delivery.enqueue(bounce);
  await delivery.drain();
  const name = Maildir.fileName(message.meta.id, message.meta.receivedAt, "mx.test");
  equal(
    await Deno.readTextFile(join(maildir.dir, "new", name)),
    `Return-Path: <a@example.test>\r\n${RECEIVED}Subject: hi\r\n\r\nbody\r\n`,
  );
  const bounceName = Maildir.fileName(bounce.meta.id, bounce.meta.receivedAt, "mx.test");
  ok(
    (await Deno.readTextFile(join(maildir.dir, "new", bounceName))).startsWith(
      "Return-Path: <>\r\n",
    ),
  );
  deepEqual(events.map((e) => [e.kind, e.kind === "delivered" && e.skipped]), [
    ["delivered", false],
    ["delivered", false],
  ]);
  await spool.close();
  deepEqual(await pendingAfterReopen(dir), [], "both recorded as done");
});

Deno.test("local delivery: a recovered message already in the Maildir is not delivered twice", async () => {
  const { maildir, spool, events, delivery, dir } = await setup();
  const message = await accept(spool, "Subject: once\r\n\r\n");
  delivery.enqueue(message);
  await delivery.drain();
  // As after a crash between the Maildir rename and the done record.
  delivery.enqueue(message, true);
  await delivery.drain();
  equal((await newFiles(maildir)).length, 1);
  equal(events.length, 2);
  ok(events[1].kind === "delivered" && events[1].skipped);
  await spool.close();
  deepEqual(await pendingAfterReopen(dir), []);
});

Deno.test("local delivery: a recovered message with a torn copy is delivered again whole", async () => {
  const { maildir, spool, events, delivery } = await setup();
  const message = await accept(spool, "Subject: whole\r\n\r\nbody\r\n");
  const name = Maildir.fileName(message.meta.id, message.meta.receivedAt, "mx.test");
  await Deno.writeTextFile(join(maildir.dir, "new", name), "Return-Path: <a@exa");
  delivery.enqueue(message, true);
  await delivery.drain();
  ok(
    (await Deno.readTextFile(join(maildir.dir, "new", name))).endsWith(
      "Subject: whole\r\n\r\nbody\r\n",
    ),
  );
  ok(events[0].kind === "delivered" && !events[0].skipped);
  await spool.close();
});

Deno.test("local delivery: a failed delivery is deferred, retried, and then delivered", async () => {
  const { maildir, spool, events, delivery, dir } = await setup(1);
  const message = await accept(spool, "Subject: retry\r\n\r\n");
  delivery.enqueue(message);
  const until = Date.now() + 5_000;
  while (!events.some((e) => e.kind === "delivered") && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  deepEqual(events.map((e) => e.kind), ["deferred", "delivered"]);
  ok(events[0].kind === "deferred" && events[0].retryInMs === 1_000);
  equal((await newFiles(maildir)).length, 1);
  await delivery.drain();
  await spool.close();
  deepEqual(await pendingAfterReopen(dir), []);
});

Deno.test("local delivery: drain cancels retries; what failed stays in the spool", async () => {
  const { spool, events, delivery, dir } = await setup(100);
  const first = await accept(spool, "first");
  delivery.enqueue(first);
  while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  // A delivery fails while drain waits for it: no retry may outlive drain, or a stopping
  // server would not exit (and would retry on a closed spool).
  const second = await accept(spool, "second");
  delivery.enqueue(second);
  await delivery.drain();
  equal(delivery.backlog, 0);
  // The first retry would come after 1 s.
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  deepEqual(events.map((e) => e.kind), ["deferred", "deferred"]);
  await spool.close();
  deepEqual(await pendingAfterReopen(dir), [first.meta.id, second.meta.id]);
});

Deno.test("local delivery: many messages are delivered concurrently, each once", async () => {
  const { maildir, spool, delivery, dir } = await setup();
  const messages = await Promise.all(Array.from({ length: 50 }, (_, i) => accept(spool, `m${i}`)));
  for (const message of messages) delivery.enqueue(message);
  ok(delivery.backlog > 0);
  await delivery.drain();
  equal(delivery.backlog, 0);
  equal((await newFiles(maildir)).length, 50);
  await spool.close();
  deepEqual(await pendingAfterReopen(dir), []);
});

/** Makes the spool's next `count` done records fail, as a full disk fails the done log. */
function failDone(spool: Spool, count: number): void {
  const done = spool.done.bind(spool);
  spool.done = (message, detail) => {
    if (count-- > 0) {
      return Promise.reject(
        Object.assign(new Error("No space left on device"), { code: "ENOSPC" }),
      );
    }
    return done(message, detail);
  };
}

Deno.test("local delivery: after a failed done record, the retry does not write the Maildir again", async () => {
  const { maildir, spool, events, delivery, dir } = await setup();
  failDone(spool, 1);
  const message = await accept(spool, "Subject: once only\r\n\r\n");
  delivery.enqueue(message);
  while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  equal(events[0].kind, "deferred");
  // The reader takes the message away before the retry.
  const [name] = await newFiles(maildir);
  await Deno.remove(join(maildir.dir, "new", name));
  while (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  equal(events[1].kind, "delivered");
  deepEqual(await newFiles(maildir), [], "not delivered a second time");
  await delivery.drain();
  await spool.close();
  deepEqual(await pendingAfterReopen(dir), [], "recorded as done by the retry");
});

Deno.test("local delivery: drain gives a missing done record one last try", async () => {
  const { maildir, spool, events, delivery, dir } = await setup();
  failDone(spool, 1);
  const message = await accept(spool, "Subject: done at stop\r\n\r\n");
  delivery.enqueue(message);
  while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await delivery.drain();
  deepEqual(events.map((e) => e.kind), ["deferred", "delivered"]);
  equal((await newFiles(maildir)).length, 1);
  await spool.close();
  deepEqual(await pendingAfterReopen(dir), []);
});

Deno.test("local delivery: a backlog past the memory budget is read back from the spool", async () => {
  const { maildir, spool, delivery } = await setup();
  // 24 messages of 1 MiB: past the 16 MiB held in memory, the rest are read back by location.
  const messages = await Promise.all(
    Array.from(
      { length: 24 },
      (_, i) => accept(spool, `Subject: ${i}\r\n\r\n${"x".repeat(1 << 20)}`),
    ),
  );
  for (const message of messages) delivery.enqueue(message);
  await delivery.drain();
  const files = await newFiles(maildir);
  equal(files.length, 24);
  for (const message of messages) {
    const name = files.find((file) => file.includes(`Q${message.meta.id}.`))!;
    const stored = await Deno.readFile(join(maildir.dir, "new", name));
    const body = stored.subarray(stored.length - message.body.length);
    ok(body.every((byte, i) => byte === message.body[i]), message.meta.id);
  }
  await spool.close();
});

Deno.test("spool: read gives back a record by its location", async () => {
  const { spool } = await setup();
  const message = await accept(spool, "Subject: back\r\n\r\nhello\r\n");
  const read = await spool.read(message.location);
  deepEqual(read.meta, message.meta);
  deepEqual(read.body, message.body);
  await spool.close();
});
