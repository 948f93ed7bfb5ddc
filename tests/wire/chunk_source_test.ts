import { deepEqual, equal, ok } from "node:assert/strict";
import { readerSource } from "../../lib/wire/chunk_source.ts";

/** A `read(buffer)` source that fills each read from `sizes`, byte i of the stream being i % 251. */
function fakeReader(sizes: number[]) {
  let position = 0;
  const bufferLengths: number[] = [];
  return {
    bufferLengths,
    read(buffer: Uint8Array): Promise<number | null> {
      bufferLengths.push(buffer.length);
      const size = sizes.shift();
      if (size === undefined) return Promise.resolve(null);
      const n = Math.min(size, buffer.length);
      for (let i = 0; i < n; i++) buffer[i] = (position + i) % 251;
      position += n;
      return Promise.resolve(n);
    },
  };
}

Deno.test("readerSource: every chunk keeps its bytes after later reads, small or handed over", async () => {
  const reader = fakeReader([20, 4096, 16384, 65536, 65536, 30000, 100, 65536]);
  const source = readerSource(reader);
  const chunks: Uint8Array[] = [];
  for (let chunk = await source.read(); chunk; chunk = await source.read()) chunks.push(chunk);
  const all = chunks.flatMap((chunk) => [...chunk]);
  ok(all.every((byte, i) => byte === i % 251), "no chunk was overwritten by a later read");
  deepEqual(chunks.map((c) => c.length), [20, 4096, 16384, 65536, 65536, 30000, 100, 4096]);
  // Grows while reads fill the buffer, shrinks back after a small one.
  deepEqual(reader.bufferLengths, [4096, 4096, 16384, 65536, 65536, 65536, 65536, 4096, 16384]);
});

Deno.test("readerSource: a small read costs an allocation of its own size only", async () => {
  const source = readerSource(fakeReader([20]));
  const chunk = (await source.read())!;
  equal(chunk.length, 20);
  equal(chunk.buffer.byteLength, 20);
});
