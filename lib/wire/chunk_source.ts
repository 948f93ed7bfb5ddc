/**
 * Where a {@linkcode LineReader} gets bytes from: anything that yields chunks, null at the end.
 * A Web `ReadableStream` is one (through {@linkcode streamSource}); a `Deno.Conn` read directly
 * with {@linkcode readerSource} is another, with far less work and garbage per read.
 */
export interface ChunkSource {
  /** The next chunk (its bytes are the caller's to keep), or null at the end of input. */
  read(): Promise<Uint8Array | null>;
  /** Stops reading and releases the underlying resource. */
  cancel(): Promise<void>;
}

/** A ChunkSource over a Web ReadableStream, which it locks. */
export function streamSource(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  return {
    async read() {
      const { done, value } = await reader.read();
      return done ? null : value;
    },
    async cancel() {
      await reader.cancel();
      reader.releaseLock();
    },
  };
}

/**
 * A ChunkSource over anything with Deno's `read(buffer)` (a `Deno.Conn`, a `Deno.FsFile`). It
 * reads into one reused buffer and copies out only the bytes received, so a 20-byte command
 * costs a 20-byte allocation.
 *
 * @example
 * ```ts ignore
 * const reader = new LineReader(readerSource(conn));
 * ```
 */
export function readerSource(
  reader: { read(buffer: Uint8Array): Promise<number | null>; close?(): void },
  bufferSize = 64 * 1024,
): ChunkSource {
  const buffer = new Uint8Array(bufferSize);
  return {
    async read() {
      const n = await reader.read(buffer);
      return n === null ? null : buffer.slice(0, n);
    },
    cancel() {
      try {
        reader.close?.();
      } catch {
        // Already closed.
      }
      return Promise.resolve();
    },
  };
}
