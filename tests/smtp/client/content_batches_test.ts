import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { contentBatches } from "../../../lib/smtp/client/content_batches.ts";

Deno.test("contentBatches: the pieces in order, batches of at least target, one last", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
      fc.integer({ min: 1, max: 100 }),
      async (pieces, target) => {
        const batches = await Array.fromAsync(contentBatches(ReadableStream.from(pieces), target));
        deepEqual(batches.flatMap((b) => b.pieces), pieces);
        deepEqual(batches.map((b) => b.last), batches.map((_, i) => i === batches.length - 1));
        for (const b of batches) equal(b.size, b.pieces.reduce((n, p) => n + p.length, 0));
        ok(batches.slice(0, -1).every((b) => b.size >= target));
      },
    ),
  );
});

Deno.test("contentBatches: an empty stream is one empty last batch; stopping cancels", async () => {
  deepEqual(await Array.fromAsync(contentBatches(ReadableStream.from([]), 10)), [
    { pieces: [], size: 0, last: true },
  ]);
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull: (c) => c.enqueue(new Uint8Array(8)),
    cancel: () => void (cancelled = true),
  });
  for await (const batch of contentBatches(stream, 16)) if (!batch.last) break;
  ok(cancelled);
});
