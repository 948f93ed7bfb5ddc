/**
 * Message content gathered into BDAT-sized batches of views, without copying.
 *
 * @module
 */

/** The pieces of one BDAT chunk, their total size, and whether it is the last. */
export interface ContentBatch {
  /** The stream's pieces as they came (not copied). */
  pieces: Uint8Array[];
  /** Their total length in octets. */
  size: number;
  /** True for the final batch (RFC 3030 §2: `BDAT size LAST`); it may be empty. */
  last: boolean;
}

/**
 * Yields the stream's pieces in batches of at least `target` octets (fewer in the last),
 * reading one piece ahead so the last batch is known as such. Stopping early cancels the
 * stream.
 *
 * @example
 * ```ts
 * import { contentBatches } from "./content_batches.ts";
 * const stream = ReadableStream.from([new Uint8Array(3), new Uint8Array(3)]);
 * for await (const batch of contentBatches(stream, 4)) console.log(batch.size, batch.last); // 6 true
 * ```
 */
export async function* contentBatches(
  stream: ReadableStream<Uint8Array>,
  target: number,
): AsyncGenerator<ContentBatch> {
  const reader = stream.getReader();
  let pieces: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return yield { pieces, size, last: true };
      if (size >= target) {
        yield { pieces, size, last: false };
        pieces = [];
        size = 0;
      }
      pieces.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
