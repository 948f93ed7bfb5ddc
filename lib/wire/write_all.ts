/**
 * Writing a whole buffer to a connection or file, whose `write` may take only part of it.
 *
 * @module
 */

/** Something `write` can be called on: a `Deno.Conn`, a `Deno.FsFile`. */
export interface ByteWriter {
  /** Writes some of `bytes` (at least one, unless empty) and resolves with how many. */
  write(bytes: Uint8Array): Promise<number>;
}

/**
 * Writes all of `bytes` to `writer`, calling `write` again for whatever a partial write left.
 *
 * @example
 * ```ts
 * import { writeAll } from "./write_all.ts";
 * await writeAll(Deno.stdout, new TextEncoder().encode("250 2.0.0 Ok\r\n"));
 * ```
 */
export async function writeAll(writer: ByteWriter, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await writer.write(bytes.subarray(written));
}
