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

/** Smallest and largest read buffers of {@linkcode readerSource}. */
const MIN_READ_BUFFER = 4 * 1024;
const MAX_READ_BUFFER = 64 * 1024;
/** A read at least this large that fills half its buffer hands the buffer over uncopied. */
const HANDOVER_READ = 16 * 1024;

/**
 * A ChunkSource over anything with Deno's `read(buffer)` (a `Deno.Conn`, a `Deno.FsFile`). It
 * reads into a reused buffer and copies out only the bytes received, so a 20-byte command costs
 * a 20-byte allocation; a large read that fills most of the buffer takes the buffer itself. The buffer starts small (an idle SMTP session holds only 4 KiB) and
 * grows while reads fill it (a message body streaming in), shrinking back when they do not.
 *
 * @example
 * ```ts ignore
 * const reader = new LineReader(readerSource(conn));
 * ```
 */
export function readerSource(
  reader: { read(buffer: Uint8Array): Promise<number | null>; close?(): void },
): ChunkSource {
  let buffer = new Uint8Array(MIN_READ_BUFFER);
  return {
    async read() {
      const n = await reader.read(buffer);
      if (n === null) return null;
      let size = buffer.length;
      if (n === size && size < MAX_READ_BUFFER) size *= 4;
      else if (n < MIN_READ_BUFFER) size = MIN_READ_BUFFER;
      if (n >= HANDOVER_READ && n * 2 >= buffer.length) {
        // A body streaming in: the chunk keeps the buffer, the next read gets a new one, and
        // the bytes are not copied (big messages were copied once more here than anywhere).
        const chunk = buffer.subarray(0, n);
        buffer = new Uint8Array(size);
        return chunk;
      }
      const chunk = buffer.slice(0, n);
      if (size !== buffer.length) buffer = new Uint8Array(size);
      return chunk;
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
