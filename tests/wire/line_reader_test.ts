import assert from "node:assert/strict";
import fc from "fast-check";
import {
  COMMAND_LINE_LIMIT,
  type Line,
  LineReader,
  TEXT_LINE_LIMIT,
} from "../../lib/wire/line_reader.ts";
import { LineTooLongError, UnexpectedEofError, WireError } from "../../lib/wire/errors.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks);
}

function readerOf(text: string | Uint8Array, limit?: number): LineReader {
  const bytes = typeof text === "string" ? enc.encode(text) : text;
  return new LineReader(streamOf([bytes]), { maxLineLength: limit });
}

type Outcome = { line: string; crlf: boolean } | { error: string } | null;

/** Reads every line (continuing after LineTooLongError) until null or another error. */
async function drain(reader: LineReader, limit?: number): Promise<Outcome[]> {
  const out: Outcome[] = [];
  while (true) {
    let line: Line | null;
    try {
      line = await reader.readLine(limit);
    } catch (e) {
      assert.ok(e instanceof WireError);
      out.push({ error: e.name });
      if (e instanceof LineTooLongError) continue;
      return out;
    }
    if (line === null) {
      out.push(null);
      return out;
    }
    out.push({ line: dec.decode(line.bytes), crlf: line.crlf });
  }
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const sorted = [...new Set(cuts)].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of sorted) {
    chunks.push(bytes.subarray(at, cut));
    at = cut;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

Deno.test("limits are the RFC 5321 §4.5.3.1 numbers", () => {
  assert.equal(COMMAND_LINE_LIMIT, 512);
  assert.equal(TEXT_LINE_LIMIT, 1000);
  assert.equal(readerOf("").maxLineLength, 512);
});

Deno.test("readLine splits at LF, strips CR of CRLF, keeps lone CR", async () => {
  const reader = readerOf("EHLO a\r\nbare\nx\ry\r\n\r\n\n");
  assert.deepEqual(await drain(reader), [
    { line: "EHLO a", crlf: true },
    { line: "bare", crlf: false },
    { line: "x\ry", crlf: true },
    { line: "", crlf: true },
    { line: "", crlf: false },
    null,
  ]);
});

Deno.test("readLine returns null at clean EOF and stays null", async () => {
  const reader = readerOf("");
  assert.equal(await reader.readLine(), null);
  assert.equal(await reader.readLine(), null);
  assert.equal(await reader.read(10), null);
});

Deno.test("readLine throws UnexpectedEofError on a partial line", async () => {
  const reader = readerOf("QUIT\r\nNOOP");
  assert.deepEqual(await reader.readLine().then((l) => l && dec.decode(l.bytes)), "QUIT");
  await assert.rejects(reader.readLine(), UnexpectedEofError);
  assert.equal(await reader.readLine(), null);
});

Deno.test("a CR alone at the end of input is a partial line", async () => {
  await assert.rejects(readerOf("abc\r").readLine(), UnexpectedEofError);
});

Deno.test("the limit counts the line ending", async () => {
  const exact = "a".repeat(510) + "\r\n";
  assert.equal((await readerOf(exact).readLine())?.bytes.length, 510);
  const bareExact = "a".repeat(511) + "\n";
  assert.equal((await readerOf(bareExact).readLine())?.bytes.length, 511);
  const over = "a".repeat(511) + "\r\nNOOP\r\n";
  const reader = readerOf(over);
  const error = await reader.readLine().catch((e) => e);
  assert.ok(error instanceof LineTooLongError);
  assert.equal(error.limit, 512);
  assert.equal(error.length, 513);
  assert.equal(dec.decode((await reader.readLine())!.bytes), "NOOP");
});

Deno.test("an over-long line is skipped across many chunks without keeping it", async () => {
  const chunks = [enc.encode("MAIL ")];
  for (let i = 0; i < 100; i++) chunks.push(new Uint8Array(1000).fill(65));
  chunks.push(enc.encode("tail\r\nRSET\r\n"));
  const reader = new LineReader(streamOf(chunks));
  const error = await reader.readLine().catch((e) => e);
  assert.ok(error instanceof LineTooLongError);
  assert.equal(error.length, 5 + 100_000 + 6);
  assert.deepEqual(await drain(reader), [{ line: "RSET", crlf: true }, null]);
});

Deno.test("readLine(limit) overrides the default limit", async () => {
  const reader = readerOf("abcdef\r\nabc\r\n", 512);
  await assert.rejects(reader.readLine(7), LineTooLongError);
  assert.equal(dec.decode((await reader.readLine(5))!.bytes), "abc");
});

Deno.test("an over-long line cut by EOF is an UnexpectedEofError", async () => {
  await assert.rejects(readerOf("a".repeat(600)).readLine(), UnexpectedEofError);
});

Deno.test("a line within one chunk is a view of it", async () => {
  const bytes = enc.encode("HELO x\r\n");
  const line = await readerOf(bytes).readLine();
  assert.equal(line!.bytes.buffer, bytes.buffer);
});

Deno.test("read returns buffered bytes first, never more than max", async () => {
  const reader = new LineReader(streamOf([enc.encode("DATA\r\nhello"), enc.encode("world")]));
  await reader.readLine();
  assert.equal(reader.buffered, 5);
  assert.equal(dec.decode((await reader.read(3))!), "hel");
  assert.equal(reader.buffered, 2);
  assert.equal(dec.decode((await reader.read(100))!), "lo");
  assert.equal(reader.buffered, 0);
  assert.equal(dec.decode((await reader.read(2))!), "wo");
  assert.equal(reader.buffered, 3);
  assert.equal(dec.decode((await reader.read(100))!), "rld");
  assert.equal(await reader.read(100), null);
  await assert.rejects(reader.read(0), RangeError);
});

Deno.test("unread puts bytes back in front, then the buffer follows", async () => {
  const reader = new LineReader(streamOf([enc.encode("one\r\ntwo\r\n")]));
  await reader.readLine();
  reader.unread(enc.encode("QUIT\r\nNO"));
  reader.unread(new Uint8Array());
  assert.equal(reader.buffered, 13);
  assert.deepEqual(await drain(reader), [
    { line: "QUIT", crlf: true },
    { line: "NOtwo", crlf: true },
    null,
  ]);
});

Deno.test("unread after EOF is still read", async () => {
  const reader = readerOf("");
  assert.equal(await reader.readLine(), null);
  reader.unread(enc.encode("RSET\r\n"));
  assert.deepEqual(await drain(reader), [{ line: "RSET", crlf: true }, null]);
});

Deno.test("buffered counts pipelined commands (RFC 2920)", async () => {
  const reader = readerOf("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
  await reader.readLine();
  assert.equal(reader.buffered, 21);
  await reader.readLine();
  await reader.readLine();
  assert.equal(reader.buffered, 0);
});

Deno.test("cancel releases the source", async () => {
  let cancelled = false;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(enc.encode("x\r\n"));
    },
    cancel() {
      cancelled = true;
    },
  });
  const reader = new LineReader(source);
  await reader.readLine();
  await reader.cancel();
  assert.ok(cancelled);
  assert.equal(source.locked, false);
  assert.equal(reader.buffered, 0);
});

Deno.test("empty chunks are skipped", async () => {
  const reader = new LineReader(
    streamOf([new Uint8Array(), enc.encode("a"), new Uint8Array(), enc.encode("\r\n")]),
  );
  assert.deepEqual(await drain(reader), [{ line: "a", crlf: true }, null]);
});

/** Bytes biased toward line endings, so lines are short and endings vary. */
const wireBytes = fc.array(
  fc.oneof(
    { arbitrary: fc.constantFrom(10, 13, 97, 32), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 },
  ),
  { maxLength: 120 },
).map((a) => Uint8Array.from(a));

Deno.test("property: every split into chunks gives the same lines and errors", async () => {
  await fc.assert(
    fc.asyncProperty(
      wireBytes,
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.integer({ min: 1, max: 12 }),
      async (bytes, rawCuts, limit) => {
        const expected = await drain(readerOf(bytes), limit);
        const cuts = rawCuts.map((c) => c % (bytes.length + 1));
        const split = await drain(new LineReader(streamOf(splitAt(bytes, cuts))), limit);
        assert.deepEqual(split, expected);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("property: byte-by-byte and all two-way splits agree", async () => {
  await fc.assert(
    fc.asyncProperty(wireBytes, fc.integer({ min: 1, max: 12 }), async (bytes, limit) => {
      const expected = await drain(readerOf(bytes), limit);
      const single = [...bytes].map((b) => Uint8Array.of(b));
      assert.deepEqual(await drain(new LineReader(streamOf(single)), limit), expected);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const reader = new LineReader(streamOf(splitAt(bytes, [cut])));
        assert.deepEqual(await drain(reader, limit), expected);
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: lines match a plain split of the input", async () => {
  await fc.assert(
    fc.asyncProperty(wireBytes, async (bytes) => {
      const text = Array.from(bytes, (b) => String.fromCharCode(b)).join("");
      const lines = await drain(readerOf(bytes), Infinity);
      const pieces = text.split("\n");
      const last = pieces.pop()!;
      const expected: Outcome[] = pieces.map((p) => ({
        line: p.endsWith("\r") ? p.slice(0, -1) : p,
        crlf: p.endsWith("\r"),
      })).map((o) => ({ ...o, line: dec.decode(Uint8Array.from(o.line, (c) => c.charCodeAt(0))) }));
      expected.push(last === "" ? null : { error: "UnexpectedEofError" });
      assert.deepEqual(lines, expected);
    }),
    { numRuns: 2000 },
  );
});
