/**
 * A growable byte buffer with a capacity cap, for header blocks that arrive in pieces.
 *
 * @module
 */

/**
 * Appends byte ranges into one backing array that doubles as needed, up to `limit` octets;
 * octets past the limit are dropped (and counted in `dropped`).
 *
 * @example
 * ```ts
 * const buffer = new ByteBuffer(16);
 * buffer.append(new TextEncoder().encode("Subject: hi\r\n"));
 * buffer.bytes().length; // 13
 * ```
 */
export class ByteBuffer {
  #data: Uint8Array;
  #length = 0;
  /** Octets refused because the buffer was full. */
  dropped = 0;

  /** @param limit the most octets the buffer will hold */
  constructor(readonly limit: number, initial = 1024) {
    this.#data = new Uint8Array(Math.min(initial, limit));
  }

  /** Octets held. */
  get length(): number {
    return this.#length;
  }

  /** Appends `bytes[from, to)`, as much of it as fits under the limit. */
  append(bytes: Uint8Array, from = 0, to = bytes.length): void {
    const room = this.limit - this.#length;
    const take = Math.min(to - from, room);
    this.dropped += to - from - take;
    if (take <= 0) return;
    const needed = this.#length + take;
    if (needed > this.#data.length) {
      const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, this.#data.length * 2)));
      grown.set(this.#data.subarray(0, this.#length));
      this.#data = grown;
    }
    this.#data.set(bytes.subarray(from, from + take), this.#length);
    this.#length = needed;
  }

  /** Forgets everything from `length` on. */
  truncate(length: number): void {
    this.#length = Math.min(length, this.#length);
  }

  /** A view of the held octets (valid until the next append). */
  bytes(): Uint8Array {
    return this.#data.subarray(0, this.#length);
  }
}
