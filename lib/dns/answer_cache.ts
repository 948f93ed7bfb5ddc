/**
 * A cache bounded in octets, for DNS answers: two generations of at most half the bound each.
 * New and used entries go to the recent one; when it is full it becomes the older one and the
 * older one is dropped whole. A used entry of the older generation moves to the recent one, so
 * what is dropped is what went unused for a generation: least recently used, at O(1) a step
 * (a Map whose oldest entries are deleted one by one gets slower to iterate from its start).
 *
 * @module
 */

interface Slot<V> {
  value: V;
  bytes: number;
}

/**
 * Values by key within `maxBytes`, the sizes given by the caller.
 *
 * @example
 * ```ts
 * const cache = new AnswerCache<string>(1024);
 * cache.set("A example.com", "192.0.2.1", 220);
 * cache.get("A example.com"); // "192.0.2.1"
 * ```
 */
export class AnswerCache<V> {
  readonly #half: number;
  #recent = new Map<string, Slot<V>>();
  #older = new Map<string, Slot<V>>();
  #recentBytes = 0;
  #olderBytes = 0;

  /** A cache holding at most `maxBytes` octets of values. */
  constructor(maxBytes: number) {
    this.#half = maxBytes / 2;
  }

  /** Octets held now, as the sizes given to {@linkcode AnswerCache.set} add up. */
  get bytes(): number {
    return this.#recentBytes + this.#olderBytes;
  }

  /** The value of `key`, if still held; using it keeps it for another generation. */
  get(key: string): V | undefined {
    const recent = this.#recent.get(key);
    if (recent) return recent.value;
    const older = this.#older.get(key);
    if (!older) return undefined;
    this.#older.delete(key);
    this.#olderBytes -= older.bytes;
    this.#add(key, older);
    return older.value;
  }

  /** Holds `value` under `key`, counted as `bytes` octets (replacing any value there). */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    this.#add(key, { value, bytes });
  }

  /** Drops `key`. */
  delete(key: string): void {
    const recent = this.#recent.get(key);
    if (recent) {
      this.#recent.delete(key);
      this.#recentBytes -= recent.bytes;
    }
    const older = this.#older.get(key);
    if (older) {
      this.#older.delete(key);
      this.#olderBytes -= older.bytes;
    }
  }

  #add(key: string, slot: Slot<V>): void {
    if (this.#recentBytes + slot.bytes > this.#half) {
      this.#older = this.#recent;
      this.#olderBytes = this.#recentBytes;
      this.#recent = new Map();
      this.#recentBytes = 0;
    }
    this.#recent.set(key, slot);
    this.#recentBytes += slot.bytes;
  }
}
