import { deepEqual, equal, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { type MessagePart, parseMessage, walkParts } from "../../lib/message/mod.ts";
import { bodyText, parseText, part } from "./helpers.ts";

const sha = (text: string) =>
  createHash("sha256").update(new TextEncoder().encode(text)).digest("hex");

/** The tree's shape, for comparing parses of one message read in different chunk sizes. */
function shape(root: MessagePart) {
  return [...walkParts(root)].map((p) => ({
    path: p.path,
    type: p.contentType.mediaType,
    offsets: [p.headerOffset, p.bodyOffset, p.endOffset],
    sizes: [p.encodedSize, p.decodedSize],
    sha256: p.sha256,
    warnings: p.warnings,
  }));
}

/** Parses in one piece and in chunks of 1, 2, 3 and 7 octets, checks all agree, returns the tree. */
function parseAllWays(text: string): MessagePart {
  const whole = parseText(text, { keepBodies: true });
  for (const size of [1, 2, 3, 7]) {
    deepEqual(
      shape(parseText(text, { keepBodies: true }, size)),
      shape(whole),
      `chunks of ${size}`,
    );
  }
  return whole;
}

const MIXED = [
  "From: a@x.test",
  'Content-Type: multipart/mixed; boundary="b1"',
  "",
  "preamble text",
  "--b1",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "hello",
  "--b1",
  'Content-Type: application/pdf; name="a.pdf"',
  "Content-Transfer-Encoding: base64",
  "",
  "aGVs",
  "bG8=",
  "--b1--",
  "epilogue",
  "",
].join("\r\n");

Deno.test("multipart/mixed: paths, types, offsets, sizes and hashes; preamble and epilogue skipped", () => {
  const root = parseAllWays(MIXED);
  deepEqual([...walkParts(root)].map((p) => p.path), ["1", "1.1", "1.2"]);
  const [text, pdf] = [part(root, "1.1"), part(root, "1.2")];
  deepEqual([bodyText(text), text.decodedSize, text.sha256], ["hello", 5, sha("hello")]);
  deepEqual([pdf.filename, bodyText(pdf), pdf.encodedSize, pdf.decodedSize], [
    "a.pdf",
    "hello",
    10,
    5,
  ]);
  equal(MIXED.slice(text.bodyOffset, text.endOffset), "hello");
  equal(
    MIXED.slice(text.headerOffset, text.bodyOffset),
    "Content-Type: text/plain; charset=utf-8\r\n\r\n",
  );
  deepEqual(root.warnings, []);
});

Deno.test("missing final boundary: the parts read so far, and a warning", () => {
  const root = parseAllWays(MIXED.replace("--b1--\r\nepilogue\r\n", ""));
  equal(root.children.length, 2);
  equal(bodyText(part(root, "1.2")), "hello");
  ok(root.warnings.some((w) => w.includes("missing close delimiter")));
});

Deno.test("a boundary inside a quoted parameter, and boundaries with tspecials", () => {
  const text = [
    'Content-Type: multipart/mixed; boundary="=_a;b (c)"',
    "",
    "--=_a;b (c)",
    'Content-Disposition: attachment; filename="--=_a;b (c)"',
    "",
    "x",
    "--=_a;b (c)--",
    "",
  ].join("\r\n");
  const root = parseAllWays(text);
  deepEqual([root.children.length, part(root, "1.1").filename, bodyText(part(root, "1.1"))], [
    1,
    "--=_a;b (c)",
    "x",
  ]);
});

Deno.test("a boundary that is a prefix of another does not end the longer one's parts", () => {
  const text = [
    'Content-Type: multipart/mixed; boundary="abc"',
    "",
    "--abc",
    'Content-Type: multipart/alternative; boundary="abcdef"',
    "",
    "--abcdef",
    "",
    "one",
    "--abcdef",
    "",
    "two",
    "--abcdef--",
    "--abc",
    "",
    "three",
    "--abc--",
  ].join("\r\n");
  const root = parseAllWays(text);
  deepEqual([...walkParts(root)].map((p) => [p.path, p.body && bodyText(p)]), [
    ["1", undefined],
    ["1.1", undefined],
    ["1.1.1", "one"],
    ["1.1.2", "two"],
    ["1.2", "three"],
  ]);
});

Deno.test("an outer boundary closes an inner multipart that never closed (with a warning)", () => {
  const text = 'Content-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\n' +
    'Content-Type: multipart/mixed; boundary="i"\r\n\r\n--i\r\n\r\nin\r\n--o\r\n\r\nout\r\n--o--\r\n';
  const root = parseAllWays(text);
  deepEqual([bodyText(part(root, "1.1.1")), bodyText(part(root, "1.2"))], ["in", "out"]);
  ok(part(root, "1.1").warnings.some((w) => w.includes("missing close delimiter")));
});

Deno.test("no blank line after the header: the body starts at the first non-field line", () => {
  const root = parseAllWays("Subject: x\r\nthis is body\r\nmore\r\n");
  deepEqual([root.headers.length, bodyText(root)], [1, "this is body\r\nmore\r\n"]);
  ok(root.warnings[0].includes("no blank line"));
});

Deno.test("a header line without a colon inside a part ends that part's header", () => {
  const root = parseAllWays(
    MIXED.replace("Content-Type: text/plain; charset=utf-8", "garbage line"),
  );
  deepEqual([part(root, "1.1").contentType.mediaType, bodyText(part(root, "1.1"))], [
    "text/plain",
    "garbage line\r\n\r\nhello",
  ]);
});

Deno.test("lone LF line endings parse like CRLF", () => {
  const root = parseAllWays(MIXED.replaceAll("\r\n", "\n"));
  deepEqual([bodyText(part(root, "1.1")), bodyText(part(root, "1.2"))], ["hello", "hello"]);
});

Deno.test("NUL octets in headers and bodies are kept, not fatal", () => {
  const root = parseAllWays("Subject: a\0b\r\n\r\nx\0y\r\n");
  deepEqual([root.headers[0].value, bodyText(root)], ["a\0b", "x\0y\r\n"]);
});

Deno.test("base64 with junk characters and bad padding: decoded as far as it goes, warned", () => {
  const root = parseAllWays("Content-Transfer-Encoding: base64\r\n\r\naGVs!bG8*=\r\naGk\r\n");
  equal(bodyText(root), "hellohi");
  deepEqual(root.warnings, [
    "base64: 2 junk octets skipped",
    "base64: last quantum without padding",
  ]);
});

Deno.test("a charset that does not exist: latin1 with a warning", () => {
  const root = parseAllWays("Content-Type: text/plain; charset=x-klingon\r\n\r\nqapla'\r\n");
  equal(root.charset, "x-klingon");
  ok(root.warnings.some((w) => w.includes("unknown charset")));
});

Deno.test("message/rfc822 and multipart/digest (default type message/rfc822) are parsed inside", () => {
  const text = [
    'Content-Type: multipart/digest; boundary="d"',
    "",
    "--d",
    "",
    "Subject: one",
    "",
    "first",
    "--d",
    "Content-Type: message/rfc822",
    "",
    "Subject: two",
    "Content-Type: text/html",
    "",
    "<p>second</p>",
    "--d--",
  ].join("\r\n");
  const root = parseAllWays(text);
  deepEqual([...walkParts(root)].map((p) => [p.path, p.contentType.mediaType]), [
    ["1", "multipart/digest"],
    ["1.1", "message/rfc822"],
    ["1.1.1", "text/plain"],
    ["1.2", "message/rfc822"],
    ["1.2.1", "text/html"],
  ]);
  equal(part(root, "1.2.1").headers[0].value, "two");
});

Deno.test("nesting 1,000 levels deep: parsed to the depth limit, then a warning", () => {
  let text = "";
  for (let i = 0; i < 1000; i++) {
    text += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
  }
  text += "\r\ndeep\r\n";
  const root = parseText(text);
  const parts = [...walkParts(root)];
  equal(parts.length, 65);
  ok(parts[64].warnings.some((w) => w.includes("nested deeper than 64")));
});

Deno.test("100,000 header fields are all read", () => {
  const text = "X-A: 1\r\n".repeat(100_000) + "Subject: last\r\n\r\nbody";
  const root = parseText(text, {}, 65536);
  equal(root.headers.length, 100_001);
  equal(root.headers[100_000].value, "last");
});

Deno.test("a 10 MB header line is read whole, streamed in 64 kB chunks", () => {
  const text = `X-Big: ${"a".repeat(10_000_000)}\r\nSubject: after\r\n\r\nbody`;
  const root = parseText(text, { keepBodies: true }, 65536);
  deepEqual([root.headers.length, root.headers[0].unfolded.length, bodyText(root)], [
    2,
    10_000_000,
    "body",
  ]);
});

Deno.test("a header block past maxHeaderBytes keeps its start, drops the rest, warns", () => {
  const root = parseText("A: 1\r\nB: 2\r\nC: 3\r\n\r\nbody", { maxHeaderBytes: 8 });
  deepEqual([root.headers.map((f) => f.name), root.bodyOffset], [["A"], 20]);
  ok(root.warnings[0].includes("header larger than 8 octets"));
});

Deno.test("RFC 2047 and RFC 6532 header values are decoded, folding removed", () => {
  const root = parseText(
    "Subject: =?utf-8?q?caf=C3=A9?=\r\n =?utf-8?b?IGF1IGxhaXQ=?=\r\nTo: Zoë <z@x.test>\r\n\r\n",
  );
  deepEqual(root.headers.map((f) => f.value), ["café au lait", "Zoë <z@x.test>"]);
});

Deno.test("parseMessage reads a ReadableStream; random garbage never throws", async () => {
  const root = await parseMessage(ReadableStream.from([new TextEncoder().encode(MIXED)]));
  equal(root.children.length, 2);
  for (let i = 0; i < 200; i++) {
    const junk = crypto.getRandomValues(new Uint8Array(2000)).map((
      b,
    ) => (b % 5 === 0 ? 10 : b % 3 === 0 ? 45 : b));
    const tree = parseText(
      new Uint8Array([...new TextEncoder().encode(MIXED.slice(0, 80)), ...junk]),
      {},
      13,
    );
    ok(tree.path === "1");
  }
});
