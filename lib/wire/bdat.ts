/**
 * BDAT chunk bodies (RFC 3030 §2): exactly `size` octets follow the command, with no
 * dot-stuffing and no end marker.
 *
 * @module
 */

import { UnexpectedEofError } from "./errors.ts";
import type { LineReader } from "./line_reader.ts";

/**
 * Yields the `size` octets of one BDAT chunk as views, as they arrive. Throws
 * {@linkcode UnexpectedEofError} if the input ends first. Iterate to the end: bytes of
 * the chunk left unread would be taken for the next command.
 *
 * @example
 * ```ts
 * import { LineReader } from "./line_reader.ts";
 * import { readChunk } from "./bdat.ts";
 * const reader = new LineReader(ReadableStream.from([new TextEncoder().encode("hello")]));
 * for await (const piece of readChunk(reader, 5)) console.log(piece.length);
 * ```
 */
export async function* readChunk(reader: LineReader, size: number): AsyncGenerator<Uint8Array> {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`BDAT chunk size must be a non-negative integer, got ${size}`);
  }
  let left = size;
  while (left > 0) {
    const piece = await reader.read(left);
    // RFC 3030 §2: the chunk is exactly chunk-size octets; less is a broken session.
    if (piece === null) throw new UnexpectedEofError(`BDAT chunk ended ${left} octets short`);
    left -= piece.length;
    yield piece;
  }
}
