import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { DoneLog } from "../../lib/spool/done_log.ts";

async function tempLog(content?: string): Promise<string> {
  const path = join(await Deno.makeTempDir(), "done.log");
  if (content !== undefined) await Deno.writeTextFile(path, content);
  return path;
}

/** The parsed lines of the log; throws if any line is not JSON. */
async function entries(path: string): Promise<{ id: string }[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

Deno.test("done log: a missing file is created and nothing is done", async () => {
  const path = await tempLog();
  const log = await DoneLog.open(path);
  ok(!log.isDone("A"));
  await log.close();
  equal(await Deno.readTextFile(path), "");
});

Deno.test("done log: appended entries are done after reopening, and not held in memory", async () => {
  const path = await tempLog();
  const log = await DoneLog.open(path);
  await Promise.all([log.append({ id: "A", maildir: "x" }), log.append({ id: "B" })]);
  ok(!log.isDone("A"), "only what the log held when opened: no memory per delivered message");
  await log.close();
  const reopened = await DoneLog.open(path);
  ok(reopened.isDone("A") && reopened.isDone("B") && !reopened.isDone("C"));
  await reopened.close();
  equal((await entries(path)).map((entry) => entry.id).join(), "A,B");
});

Deno.test("done log: concurrent appends are written in batches, every line whole", async () => {
  const path = await tempLog();
  const log = await DoneLog.open(path);
  const ids = Array.from({ length: 500 }, (_, i) => `ID${i}`);
  await Promise.all(ids.map((id, i) => log.append({ id, detail: "x".repeat(i % 50) })));
  await log.close();
  equal((await entries(path)).map((entry) => entry.id).join(), ids.join());
});

Deno.test("done log: a torn last line is not done", async () => {
  const path = await tempLog('{"id":"A","maildir":"a"}\n{"id":"B","maildir":"b"');
  const log = await DoneLog.open(path);
  ok(log.isDone("A"));
  ok(!log.isDone("B"));
  await log.close();
});

Deno.test("done log: an entry appended after a torn last line is done after reopening", async () => {
  const path = await tempLog('{"id":"A"}\n{"id":"B","mail');
  const log = await DoneLog.open(path);
  await log.append({ id: "C" });
  await log.close();
  const reopened = await DoneLog.open(path);
  ok(reopened.isDone("C"), "C must not be glued onto the torn line");
  ok(!reopened.isDone("B"));
  await reopened.close();
  const lines = (await Deno.readTextFile(path)).split("\n");
  equal(lines.at(-2), '{"id":"C"}');
});

Deno.test("done log: lines that are not entries are ignored", async () => {
  const path = await tempLog('garbage\n\n{"id":"lower"}\n{"id":"A"}\n{"other":1}\n');
  const log = await DoneLog.open(path);
  ok(log.isDone("A"));
  ok(!log.isDone("lower"), "queue ids are upper-case base 36");
  await log.close();
});

Deno.test("done log: a failed write rejects its entries and leaves later ones whole", async () => {
  const path = await tempLog();
  const log = await DoneLog.open(path);
  await log.append({ id: "A" });
  const proto = Deno.FsFile.prototype;
  const write = proto.write;
  // The disk fills up mid-line: half the batch is written, then ENOSPC.
  let calls = 0;
  proto.write = function (this: Deno.FsFile, bytes: Uint8Array) {
    if (++calls === 1) return write.call(this, bytes.subarray(0, bytes.length >> 1));
    return Promise.reject(Object.assign(new Error("No space left on device"), { code: "ENOSPC" }));
  };
  try {
    await rejects(log.append({ id: "B", maildir: "bbbbbbbbbbbbbbbbbbbbbbbb" }), /No space/);
  } finally {
    proto.write = write;
  }
  ok(!log.isDone("B"));
  await log.append({ id: "C" });
  await log.close();
  const reopened = await DoneLog.open(path);
  ok(reopened.isDone("A") && reopened.isDone("C"));
  ok(!reopened.isDone("B"));
  await reopened.close();
  const lines = (await Deno.readTextFile(path)).split("\n");
  equal(lines.at(-2), '{"id":"C"}');
});

Deno.test("done log: forgetRecovered drops the ids read at open", async () => {
  const log = await DoneLog.open(await tempLog('{"id":"A"}\n'));
  ok(log.isDone("A"));
  log.forgetRecovered();
  ok(!log.isDone("A"));
  await log.close();
});

Deno.test("done log: rotated at its size limit, named after the newest segment it can name", async () => {
  const path = await tempLog();
  const dir = join(path, "..");
  const rotation = { maxBytes: 60, newestSegment: () => 7 };
  const log = await DoneLog.open(path);
  log.rotateWith(rotation);
  for (const id of ["A", "B", "C"]) await log.append({ id, detail: "x".repeat(20) });
  await log.close();
  const names = [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
  deepEqual(names, ["done-0000000007.log", "done.log"]);
  equal((await entries(join(dir, "done-0000000007.log"))).map((e) => e.id).join(), "A,B");
  equal((await entries(path)).map((e) => e.id).join(), "C");

  const withSegment7 = await DoneLog.open(path, [7, 8]);
  ok(withSegment7.isDone("A") && withSegment7.isDone("B") && withSegment7.isDone("C"));
  await withSegment7.close();
  // Segment 7 and older are gone, so the rotated log names no message that could be pending.
  const later = await DoneLog.open(path, [8]);
  ok(!later.isDone("A") && later.isDone("C"), "a rotated log of removed segments is not read");
  await later.close();
});

Deno.test("done log: no rotation over a rotated log of the same segment", async () => {
  const path = await tempLog();
  const log = await DoneLog.open(path);
  log.rotateWith({ maxBytes: 10, newestSegment: () => 3 });
  for (const id of ["A", "B", "C"]) await log.append({ id });
  await log.close();
  const reopened = await DoneLog.open(path, [3]);
  ok(["A", "B", "C"].every((id) => reopened.isDone(id)), "nothing overwritten");
  await reopened.close();
});
