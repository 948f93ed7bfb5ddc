import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { Spool, type SpooledMessage, type SpoolMeta } from "../../lib/spool/spool.ts";
import { segmentName, segmentNumber } from "../../lib/spool/segment_writer.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function meta(spool: Spool, from = "a@example.test"): SpoolMeta {
  return {
    id: spool.ids.next(),
    receivedAt: Date.now(),
    from,
    recipients: [{ address: "b@example.test" }],
    mailParams: { body: "8BITMIME" },
    client: { address: "127.0.0.1", port: 4000, helo: "client.test", tls: false },
    received: "Received: from client.test\r\n",
  };
}

/** Appends a message whose body is `text` (in two pieces) and returns it as delivery sees it. */
async function accept(spool: Spool, text: string): Promise<SpooledMessage> {
  const m = meta(spool);
  const body = encoder.encode(text);
  const location = await spool.append(m, [body.subarray(0, 3), body.subarray(3)]);
  return { meta: m, location, body };
}

async function segmentsIn(dir: string): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const n = segmentNumber(entry.name);
    if (n !== undefined) found.push(n);
  }
  return found.sort((a, b) => a - b);
}

/** Polls until `check` holds (removals run in the background). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const noSync = () => Promise.resolve();

Deno.test("spool: a fresh spool recovers nothing", async () => {
  const dir = join(await Deno.makeTempDir(), "spool");
  const { spool, pending } = await Spool.open(dir, noSync);
  deepEqual(pending, []);
  await spool.close();
  deepEqual(await segmentsIn(dir), []);
});

Deno.test("spool: messages not done are recovered whole, in acceptance order", async () => {
  const dir = await Deno.makeTempDir();
  const first = await Spool.open(dir, noSync, 300);
  const accepted: SpooledMessage[] = [];
  for (let i = 0; i < 5; i++) accepted.push(await accept(first.spool, `message ${i}\r\n`));
  await first.spool.done(accepted[1], { maildir: "x" });
  await first.spool.close();
  const { spool, pending } = await Spool.open(dir, noSync, 300);
  deepEqual(pending.map((p) => p.meta), [0, 2, 3, 4].map((i) => accepted[i].meta));
  deepEqual(
    pending.map((p) => decoder.decode(p.body)),
    [0, 2, 3, 4].map((i) => `message ${i}\r\n`),
  );
  deepEqual(pending.map((p) => p.location), [0, 2, 3, 4].map((i) => accepted[i].location));
  await spool.close();
});

Deno.test("spool: a crash (no close) loses nothing that was acknowledged", async () => {
  const dir = await Deno.makeTempDir();
  // Open and append without ever closing, as a killed process would.
  const crashed = await Spool.open(dir, noSync);
  const accepted = await Promise.all(
    Array.from({ length: 20 }, (_, i) => accept(crashed.spool, `m${i}`)),
  );
  const { spool, pending } = await Spool.open(dir, noSync);
  deepEqual(pending.map((p) => p.meta.id), accepted.map((a) => a.meta.id));
  // A new process appends to a new segment, never after a possibly torn tail.
  const fresh = await accept(spool, "after");
  ok(fresh.location.segment > accepted[0].location.segment);
  await spool.close();
});

Deno.test("spool: a torn record at the end of a segment is not recovered", async () => {
  const dir = await Deno.makeTempDir();
  const first = await Spool.open(dir, noSync);
  const kept = await accept(first.spool, "kept");
  const torn = await accept(first.spool, "torn");
  await first.spool.close();
  const path = join(dir, segmentName(kept.location.segment));
  const file = await Deno.open(path, { write: true });
  await file.truncate(torn.location.offset + torn.location.length - 1);
  file.close();
  const { spool, pending } = await Spool.open(dir, noSync);
  deepEqual(pending.map((p) => p.meta.id), [kept.meta.id]);
  await spool.close();
});

Deno.test("spool: full segments are removed once all their messages are done", async () => {
  const dir = await Deno.makeTempDir();
  const events: string[] = [];
  const { spool } = await Spool.open(dir, () => {
    events.push("durable");
    return Promise.resolve();
  }, 600);
  const accepted: SpooledMessage[] = [];
  for (let i = 0; i < 6; i++) accepted.push(await accept(spool, `message ${i}`.padEnd(100)));
  const bySegment = Map.groupBy(accepted, (m) => m.location.segment);
  // Records are ~370 octets: a segment takes two before it reaches 600.
  deepEqual([...bySegment.values()].map((messages) => messages.length), [2, 2, 2]);
  const [firstSegment, secondSegment] = [...bySegment.keys()];
  // One message of the first segment is done: it stays.
  await spool.done(bySegment.get(firstSegment)![0], {});
  await new Promise((resolve) => setTimeout(resolve, 20));
  ok((await segmentsIn(dir)).includes(firstSegment));
  deepEqual(events, []);
  for (const message of bySegment.get(firstSegment)!.slice(1)) await spool.done(message, {});
  await eventually(async () => !(await segmentsIn(dir)).includes(firstSegment), "removal");
  deepEqual(events, ["durable"], "deliveries made durable before the segment was removed");
  ok((await segmentsIn(dir)).includes(secondSegment));
  await spool.close();
});

Deno.test("spool: close removes the last segment when all its messages are done", async () => {
  const dir = await Deno.makeTempDir();
  const { spool } = await Spool.open(dir, noSync);
  const accepted = await Promise.all(["a", "b", "c"].map((text) => accept(spool, text)));
  for (const message of accepted) await spool.done(message, {});
  deepEqual(await segmentsIn(dir), [accepted[0].location.segment], "the open segment stays");
  await spool.close();
  deepEqual(await segmentsIn(dir), []);
});

Deno.test("spool: close keeps the last segment while a message is not done", async () => {
  const dir = await Deno.makeTempDir();
  const { spool } = await Spool.open(dir, noSync);
  const [a] = await Promise.all(["a", "b"].map((text) => accept(spool, text)));
  await spool.done(a, {});
  await spool.close();
  deepEqual(await segmentsIn(dir), [a.location.segment]);
  const reopened = await Spool.open(dir, noSync);
  equal(reopened.pending.length, 1);
  await reopened.spool.close();
});

Deno.test("spool: reopening removes segments whose messages were all done", async () => {
  const dir = await Deno.makeTempDir();
  const crashed = await Spool.open(dir, noSync);
  const message = await accept(crashed.spool, "a");
  await crashed.spool.done(message, {});
  // Crash: the segment is still there, the done log says the message is done.
  deepEqual(await segmentsIn(dir), [message.location.segment]);
  const { spool, pending } = await Spool.open(dir, noSync);
  deepEqual(pending, []);
  await spool.close();
  deepEqual(await segmentsIn(dir), []);
});

Deno.test("spool: a failed durability step keeps the segment and retries later", async () => {
  const dir = await Deno.makeTempDir();
  let failing = true;
  let attempts = 0;
  const { spool } = await Spool.open(dir, () => {
    attempts++;
    return failing ? Promise.reject(new Error("sync failed")) : Promise.resolve();
  }, 10);
  const a = await accept(spool, "a".repeat(20));
  const b = await accept(spool, "b".repeat(20));
  equal(b.location.segment, a.location.segment + 1);
  await spool.done(a, {});
  await eventually(() => Promise.resolve(attempts === 1), "first attempt");
  ok((await segmentsIn(dir)).includes(a.location.segment));
  failing = false;
  // The next finished delivery tries the removal again.
  await spool.done(b, {});
  await eventually(async () => !(await segmentsIn(dir)).includes(a.location.segment), "retry");
  await spool.close();
  deepEqual(await segmentsIn(dir), []);
});

Deno.test("spool: an append the disk cannot take rejects with the file system's error", async () => {
  const dir = await Deno.makeTempDir();
  const { spool } = await Spool.open(dir, noSync);
  const kept = await accept(spool, "kept");
  const proto = Deno.FsFile.prototype;
  const write = proto.write;
  proto.write = () =>
    Promise.reject(Object.assign(new Error("No space left on device"), { code: "ENOSPC" }));
  try {
    await rejects(accept(spool, "lost"), (error: { code?: string }) => error.code === "ENOSPC");
  } finally {
    proto.write = write;
  }
  const after = await accept(spool, "after");
  // The failed segment is closed; once its message is delivered it can go, freeing space.
  ok(after.location.segment > kept.location.segment);
  await spool.done(kept, {});
  await eventually(async () => !(await segmentsIn(dir)).includes(kept.location.segment), "removal");
  await spool.close();
  const { spool: reopened, pending } = await Spool.open(dir, noSync);
  deepEqual(pending.map((p) => decoder.decode(p.body)), ["after"]);
  await reopened.close();
});

Deno.test("spool: queue ids are unique and sort by acceptance", async () => {
  const dir = await Deno.makeTempDir();
  const { spool } = await Spool.open(dir, noSync);
  const ids = Array.from({ length: 2000 }, () => spool.ids.next());
  equal(new Set(ids).size, ids.length);
  deepEqual([...ids].sort(), ids);
  // A clock stepping back never repeats an id.
  const now = Date.now();
  const later = spool.ids.next(now + 10_000);
  ok(spool.ids.next(now) > later);
  await spool.close();
});

Deno.test("spool: undelivered counts what is stored and not yet done, recovered ones too", async () => {
  const dir = await Deno.makeTempDir();
  const { spool } = await Spool.open(dir, noSync);
  deepEqual(spool.undelivered, { messages: 0, bytes: 0 });
  const pending = accept(spool, "a");
  equal(spool.undelivered.messages, 1, "counted from the moment it is being stored");
  const a = await pending;
  const b = await accept(spool, "bb");
  deepEqual(spool.undelivered, { messages: 2, bytes: a.location.length + b.location.length });
  await spool.done(a, {});
  await spool.done(a, {});
  deepEqual(spool.undelivered, { messages: 1, bytes: b.location.length }, "done twice counts once");
  await spool.close();
  const reopened = await Spool.open(dir, noSync);
  deepEqual(reopened.spool.undelivered, { messages: 1, bytes: b.location.length });
  await reopened.spool.close();
});

Deno.test("spool: a failed append is not counted as undelivered", async () => {
  const { spool } = await Spool.open(await Deno.makeTempDir(), noSync);
  const proto = Deno.FsFile.prototype;
  const write = proto.write;
  proto.write = () => Promise.reject(new Error("No space left on device"));
  try {
    await rejects(accept(spool, "lost"));
  } finally {
    proto.write = write;
  }
  deepEqual(spool.undelivered, { messages: 0, bytes: 0 });
  await spool.close();
});

Deno.test("spool: closeSegment lets a delivered segment go before it fills up", async () => {
  const dir = await Deno.makeTempDir();
  const { spool } = await Spool.open(dir, noSync);
  const a = await accept(spool, "a");
  await spool.done(a, {});
  deepEqual(await segmentsIn(dir), [a.location.segment]);
  await spool.closeSegment();
  await eventually(async () => (await segmentsIn(dir)).length === 0, "removal");
  const b = await accept(spool, "b");
  equal(b.location.segment, a.location.segment + 1);
  await spool.closeSegment();
  await spool.closeSegment();
  deepEqual(await segmentsIn(dir), [b.location.segment], "kept while its message is not done");
  await spool.close();
});

Deno.test("spool: a rotated done log still counts at recovery while its segments live", async () => {
  const dir = await Deno.makeTempDir();
  // Small segments (several per run) and a done log rotated every few entries.
  const first = await Spool.open(dir, noSync, 400, 300);
  const accepted: SpooledMessage[] = [];
  for (let i = 0; i < 12; i++) {
    const message = await accept(first.spool, `message ${i}\r\n`);
    accepted.push(message);
    if (i % 3 !== 0) await first.spool.done(message, { maildir: "x" });
  }
  // A crash: no close. Only the messages never done come back, though most done lines were
  // moved to rotated logs.
  const rotated = [...Deno.readDirSync(dir)].filter((e) => /^done-\d{10}\.log$/.test(e.name));
  ok(rotated.length >= 2, `rotations happened: ${rotated.map((e) => e.name)}`);
  const second = await Spool.open(dir, noSync, 400, 300);
  deepEqual(
    second.pending.map((m) => m.meta.id),
    accepted.filter((_, i) => i % 3 === 0).map((m) => m.meta.id),
  );
  await second.spool.close();
});

Deno.test("spool: after a restart with the clock set back, new queue ids still sort after old ones", async () => {
  const dir = await Deno.makeTempDir();
  const first = await Spool.open(dir, noSync);
  // Written while the clock was an hour ahead: the ids on disk are from "the future".
  const ahead = Date.now() + 3_600_000;
  const old = meta(first.spool);
  old.id = first.spool.ids.next(ahead);
  await first.spool.append(old, [encoder.encode("x\r\n")]);
  await first.spool.close();
  for (const entry of Deno.readDirSync(dir)) {
    await Deno.utime(join(dir, entry.name), ahead / 1000, ahead / 1000);
  }
  const second = await Spool.open(dir, noSync);
  const next = second.spool.ids.next();
  ok(next > old.id, `${next} must sort after ${old.id}`);
  await second.spool.close();
});
