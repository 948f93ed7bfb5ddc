import { deepEqual, equal, match, ok } from "node:assert/strict";
import { runPostie } from "./run_postie.ts";

function postie(args: string[], stdin?: string) {
  return runPostie(["parse", ...args], { stdin });
}

const MESSAGE = [
  "From: =?utf-8?q?Zo=C3=AB?= <z@x.test>",
  "To: a@y.test",
  "Subject: =?utf-8?b?Y2Fmw6k=?=",
  "Date: Thu, 13 Feb 1969 23:32:54 -0330",
  "Message-ID: <1@x.test>",
  'Content-Type: multipart/mixed; boundary="b"',
  "",
  "--b",
  "Content-Type: text/html; charset=utf-8",
  "",
  "<p>Hello&nbsp;<b>world</b></p>",
  "--b",
  'Content-Type: application/octet-stream; name="../../evil.bin"',
  "Content-Transfer-Encoding: base64",
  "",
  "aGk=",
  "--b--",
  "",
].join("\r\n");

async function withFile(text: string, fn: (path: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/m.eml`, text);
    await fn(`${dir}/m.eml`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("parse: decoded summary headers, then the tree with sizes", async () => {
  const { code, stdout } = await postie([], MESSAGE);
  equal(code, 0);
  match(stdout, /^From: +Zoë <z@x\.test>$/m);
  match(stdout, /^Subject: +café$/m);
  match(stdout, /^Date: .*\(1969-02-14T03:02:54\.000Z\)$/m);
  match(stdout, /^ {2}1\.2 +application\/octet-stream +\.\.\/\.\.\/evil\.bin +base64 +2$/m);
});

Deno.test("parse --json: tree nodes with path, contentType, filename, decodedSize, sha256, warnings", async () => {
  const { code, stdout } = await postie(["--json", "-"], MESSAGE.replace("--b--", ""));
  equal(code, 0);
  const { messages } = JSON.parse(stdout);
  equal(messages[0].headers.subject, "café");
  const tree = messages[0].tree;
  deepEqual(tree.children.map((c: { path: string }) => c.path), ["1.1", "1.2"]);
  const leaf = tree.children[1];
  deepEqual([leaf.filename, leaf.decodedSize, leaf.sha256.length], ["../../evil.bin", 2, 64]);
  ok(tree.warnings.some((w: string) => w.includes("missing close delimiter")));
});

Deno.test("parse --headers, --raw, --part, --text", async () => {
  await withFile(MESSAGE, async (file) => {
    match((await postie(["--headers", file])).stdout, /^From: Zoë <z@x\.test>\nTo: a@y\.test$/m);
    match(
      (await postie(["--raw", file])).stdout,
      /^From: =\?utf-8\?q\?Zo=C3=AB\?= <z@x\.test>\r\n/,
    );
    equal((await postie(["--part", "1.2", file])).stdout, "hi");
    equal((await postie(["--text", file])).stdout, "Hello world\n");
    const missing = await postie(["--part", "9", file]);
    equal(missing.code, 65);
  });
});

Deno.test("parse --extract: safe names, never overwrites", async () => {
  await withFile(MESSAGE, async (file, dir) => {
    const out = `${dir}/out`;
    equal((await postie(["--extract", out, file])).code, 0);
    equal((await postie(["--extract", out, file])).code, 0);
    const names = [];
    for await (const entry of Deno.readDir(out)) names.push(entry.name);
    deepEqual(names.sort(), ["evil (2).bin", "evil.bin"]);
    equal(await Deno.readTextFile(`${out}/evil.bin`), "hi");
  });
});

Deno.test("parse: an mbox gives every message; a Maildir every file", async () => {
  const mbox =
    `From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n1\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: two\n\n2\n`;
  const json = JSON.parse((await postie(["--json"], mbox)).stdout);
  deepEqual(json.messages.map((m: { headers: { subject: string } }) => m.headers.subject), [
    "one",
    "two",
  ]);
  await withFile(MESSAGE, async (_file, dir) => {
    await Deno.mkdir(`${dir}/md/new`, { recursive: true });
    await Deno.mkdir(`${dir}/md/cur`);
    await Deno.writeTextFile(`${dir}/md/new/1`, "Subject: a\r\n\r\nx");
    await Deno.writeTextFile(`${dir}/md/cur/2:2,S`, "Subject: b\r\n\r\ny");
    const { messages } = JSON.parse((await postie(["--json", `${dir}/md`])).stdout);
    deepEqual(messages.map((m: { headers: { subject: string } }) => m.headers.subject), ["a", "b"]);
  });
});

Deno.test("parse: exit codes: 66 missing file, 65 empty input, 64 conflicting modes", async () => {
  const missing = await postie(["/nonexistent/m.eml"]);
  deepEqual([missing.code, missing.stdout], [66, ""]);
  match(missing.stderr, /cannot read \/nonexistent\/m\.eml/);
  equal((await postie([], "")).code, 65);
  equal((await postie(["--text", "--part", "1"], MESSAGE)).code, 64);
});
