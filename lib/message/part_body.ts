/**
 * The body of a leaf part on its way through the parser: transfer decoding, SHA-256 and sizes,
 * a chunk at a time, keeping the decoded octets only when asked.
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { concatBytes } from "../wire/bytes.ts";
import { Base64Decoder } from "./base64.ts";
import type { MessagePart } from "./part.ts";
import { QuotedPrintableDecoder } from "./quoted_printable.ts";

/** Chunks larger than this are decoded into an array of their own. */
const SCRATCH_LIMIT = 256 * 1024;
/**
 * Where a write's decoded octets go, shared by every sink: they are hashed (and copied if
 * kept) before the write returns, so one array serves all, and a large body leaves no garbage
 * array per chunk (V8 frees array buffers only every few tens of MB).
 */
let scratch = new Uint8Array(0);

function scratchFor(length: number): Uint8Array | undefined {
  if (length > SCRATCH_LIMIT) return undefined;
  if (scratch.length < length + 3) scratch = new Uint8Array(Math.max(length + 3, 64 * 1024));
  return scratch;
}

/**
 * Takes a leaf part's body as encoded in the message and, at `finish`, sets the part's
 * `encodedSize`, `decodedSize`, `sha256` (and `body` if kept) and decoder warnings.
 *
 * @example
 * ```ts
 * const part = newPart("1", 0);
 * part.transferEncoding = "base64";
 * const sink = new BodySink(part, true);
 * sink.write(new TextEncoder().encode("aGk=\r\n"));
 * sink.finish();
 * part.decodedSize; // 2
 * ```
 */
export class BodySink {
  #decoder: Base64Decoder | QuotedPrintableDecoder | undefined;
  #hash: Hash = createHash("sha256");
  #kept: Uint8Array[] | undefined;
  #encoded = 0;
  #decoded = 0;

  /** @param keep whether to keep the decoded content on `part.body` */
  constructor(readonly part: MessagePart, keep: boolean) {
    if (part.transferEncoding === "base64") this.#decoder = new Base64Decoder();
    else if (part.transferEncoding === "quoted-printable") {
      this.#decoder = new QuotedPrintableDecoder();
    }
    if (keep) this.#kept = [];
  }

  /** Takes the next encoded octets (the array may be reused by the caller afterwards). */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#encoded += bytes.length;
    const decoder = this.#decoder;
    this.#take(decoder ? decoder.decode(bytes, scratchFor(bytes.length)) : bytes, false);
  }

  /** Ends the body and records what was found on the part. */
  finish(): void {
    const part = this.part;
    const decoder = this.#decoder;
    if (decoder) this.#take(decoder.end(), true);
    if (decoder instanceof Base64Decoder) {
      if (decoder.junk > 0) part.warnings.push(`base64: ${decoder.junk} junk octets skipped`);
      if (decoder.badEnding) part.warnings.push("base64: a lone character at the end dropped");
      else if (decoder.badPadding) part.warnings.push("base64: last quantum without padding");
    } else if (decoder && decoder.badEscapes > 0) {
      part.warnings.push(`quoted-printable: ${decoder.badEscapes} "=" without hex digits kept`);
    }
    part.encodedSize = this.#encoded;
    part.decodedSize = this.#decoded;
    part.sha256 = this.#hash.digest("hex");
    if (this.#kept) part.body = concatBytes(this.#kept);
  }

  #take(decoded: Uint8Array, owned: boolean): void {
    if (decoded.length === 0) return;
    this.#decoded += decoded.length;
    this.#hash.update(decoded);
    this.#kept?.push(owned ? decoded : decoded.slice());
  }
}
