import assert from "node:assert/strict";
import fc from "fast-check";
import { readChunk } from "../../lib/wire/bdat.ts";
import { LineReader } from "../../lib/wire/line_reader.ts";
import { UnexpectedEofError } from "../../lib/wire/errors.ts";
import { concatBytes } from "../../lib/wire/bytes.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function collect(reader: LineReader, size: number): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const piece of readChunk(reader, size)) pieces.push(piece);
  return concatBytes([new Uint8Array(), ...pieces]);
}

Deno.test("readChunk yields exactly size octets, then commands follow", async () => {
  const reader = new LineReader(
    ReadableStream.from([enc.encode("BDAT 11 LAST\r\nhello\r\n"), enc.encode(".\r\nxQUIT\r\n")]),
  );
  assert.equal(dec.decode((await reader.readLine())!.bytes), "BDAT 11 LAST");
  assert.equal(dec.decode(await collect(reader, 11)), "hello\r\n.\r\nx");
  assert.equal(dec.decode((await reader.readLine())!.bytes), "QUIT");
});

Deno.test("readChunk of size 0 yields nothing", async () => {
  const reader = new LineReader(ReadableStream.from([enc.encode("QUIT\r\n")]));
  assert.equal((await collect(reader, 0)).length, 0);
  assert.equal(reader.buffered, 0);
});

Deno.test("readChunk throws UnexpectedEofError when the input ends early", async () => {
  const reader = new LineReader(ReadableStream.from([enc.encode("abc")]));
  await assert.rejects(collect(reader, 5), UnexpectedEofError);
});

Deno.test("readChunk rejects a bad size", async () => {
  const reader = new LineReader(ReadableStream.from([enc.encode("abc")]));
  await assert.rejects(collect(reader, -1), RangeError);
  await assert.rejects(collect(reader, 1.5), RangeError);
});

Deno.test("property: any chunking yields the same chunk and leaves the rest", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 10 }),
      fc.nat(),
      async (bytes, sizes, rawSize) => {
        const size = rawSize % (bytes.length + 1);
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (const s of sizes) chunks.push(bytes.subarray(at, at += s));
        chunks.push(bytes.subarray(at));
        const reader = new LineReader(ReadableStream.from(chunks));
        assert.deepEqual(await collect(reader, size), bytes.subarray(0, size));
        const rest = [];
        for (let p; (p = await reader.read(7)) !== null;) rest.push(p);
        assert.deepEqual(concatBytes([new Uint8Array(), ...rest]), bytes.subarray(size));
      },
    ),
    { numRuns: 2000 },
  );
});
