import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { Maildir, syncFileSystem } from "../../lib/delivery/maildir.ts";

const encoder = new TextEncoder();

async function newMaildir(): Promise<Maildir> {
  const maildir = new Maildir(join(await Deno.makeTempDir(), "maildir"));
  await maildir.create();
  return maildir;
}

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("maildir: create makes tmp, new and cur, and may run again", async () => {
  const maildir = await newMaildir();
  await maildir.create();
  deepEqual(await names(maildir.dir), ["cur", "new", "tmp"]);
});

Deno.test("maildir: file names carry seconds, microseconds, queue id and the host", () => {
  const at = Date.UTC(2026, 10, 24, 3, 22, 55, 123);
  equal(
    Maildir.fileName("MIDQ8ZK40000", at, "mx.example"),
    `${Math.floor(at / 1000)}.M123000QMIDQ8ZK40000.mx.example`,
  );
  equal(Maildir.fileName("A", 1_000, "h"), "1.M0QA.h");
});

Deno.test("maildir: '/' and ':' in the host are escaped as the spec asks", () => {
  equal(Maildir.fileName("A", 2_500, "a/b:c"), "2.M500000QA.a\\057b\\072c");
});

Deno.test("maildir: the same message always gets the same name, different ones differ", () => {
  equal(Maildir.fileName("A", 5, "h"), Maildir.fileName("A", 5, "h"));
  ok(Maildir.fileName("A", 5, "h") !== Maildir.fileName("B", 5, "h"));
});

Deno.test("maildir: deliver writes the pieces in order into new/ and leaves tmp/ empty", async () => {
  const maildir = await newMaildir();
  const path = await maildir.deliver("1.M0QA.h", [
    encoder.encode("Return-Path: <>\r\n"),
    encoder.encode("\r\nbody\r\n"),
  ]);
  equal(path, join(maildir.dir, "new", "1.M0QA.h"));
  equal(await Deno.readTextFile(path), "Return-Path: <>\r\n\r\nbody\r\n");
  deepEqual(await names(join(maildir.dir, "tmp")), []);
});

Deno.test("maildir: deliver replaces a partial copy left in tmp/ or new/", async () => {
  const maildir = await newMaildir();
  await Deno.writeTextFile(join(maildir.dir, "tmp", "n"), "partial content that is longer");
  await Deno.writeTextFile(join(maildir.dir, "new", "n"), "torn");
  await maildir.deliver("n", [encoder.encode("whole")]);
  equal(await Deno.readTextFile(join(maildir.dir, "new", "n")), "whole");
  deepEqual(await names(join(maildir.dir, "tmp")), []);
});

Deno.test("maildir: a failed deliver leaves nothing in tmp/ or new/", async () => {
  const maildir = await newMaildir();
  const proto = Deno.FsFile.prototype;
  const writeSync = proto.writeSync;
  let calls = 0;
  proto.writeSync = function (this: Deno.FsFile, bytes: Uint8Array) {
    if (++calls === 1) return writeSync.call(this, bytes.subarray(0, 3));
    throw Object.assign(new Error("No space left on device"), { code: "ENOSPC" });
  };
  try {
    await rejects(maildir.deliver("n", [encoder.encode("message")]), /No space/);
  } finally {
    proto.writeSync = writeSync;
  }
  deepEqual(await names(join(maildir.dir, "tmp")), []);
  deepEqual(await names(join(maildir.dir, "new")), []);
});

Deno.test("maildir: contains finds a whole copy in new/", async () => {
  const maildir = await newMaildir();
  await maildir.deliver("n", [encoder.encode("12345")]);
  ok(await maildir.contains("n", 5));
  ok(!(await maildir.contains("n", 6)), "a copy of another size is not the message");
  ok(!(await maildir.contains("other", 5)));
});

Deno.test("maildir: contains finds a copy a reader moved to cur/, with or without flags", async () => {
  const maildir = await newMaildir();
  await Deno.writeTextFile(join(maildir.dir, "cur", "seen:2,S"), "12345");
  await Deno.writeTextFile(join(maildir.dir, "cur", "plain"), "123");
  ok(await maildir.contains("seen", 5));
  ok(await maildir.contains("plain", 3));
  ok(!(await maildir.contains("seen", 4)));
  ok(!(await maildir.contains("see", 5)), "a name that is only a prefix is another message");
});

Deno.test("maildir: a copy only in tmp/ (a crash mid-delivery) is not delivered", async () => {
  const maildir = await newMaildir();
  await Deno.writeTextFile(join(maildir.dir, "tmp", "n"), "12345");
  ok(!(await maildir.contains("n", 5)));
});

Deno.test("maildir: syncFileSystem succeeds on a directory and fails on a missing one", async () => {
  const maildir = await newMaildir();
  await syncFileSystem(maildir.dir);
  await rejects(syncFileSystem(join(maildir.dir, "missing")));
});
