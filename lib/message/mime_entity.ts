/**
 * The MIME entities a composed message is made of (RFC 2045 §2.4): leaves with a header and
 * an encoded body, multiparts with a boundary; their exact size, and their octets as a stream.
 *
 * @module
 */

import { base64EncodedLength, Base64Encoder } from "./base64_encoder.ts";
import { MessageSourceError } from "./compose_errors.ts";

const ascii = new TextEncoder();
/** Octets read from a file at a time: whole base64 lines (57 octets), about 228 KiB. */
const READ_OCTETS = 57 * 4096;

/** A body postie holds (already encoded), or a file it encodes as base64 while streaming. */
export type EntityBody = Uint8Array | { file: string; octets: number };

/** One entity: its header fields (folded, without CRLF) and a body or parts. */
export type MimeEntity =
  | { fields: string[]; body: EntityBody }
  | { fields: string[]; boundary: string; parts: MimeEntity[] };

/** The header block: fields, each ended by CRLF, then the empty line (RFC 5322 §2.1). */
function headerBlock(entity: MimeEntity): Uint8Array {
  return ascii.encode(entity.fields.map((field) => `${field}\r\n`).join("") + "\r\n");
}

/** The octets {@linkcode streamEntity} writes for `entity`. */
export function entitySize(entity: MimeEntity): number {
  const header = headerBlock(entity).length;
  if ("body" in entity) {
    const body = entity.body;
    return header + (body instanceof Uint8Array ? body.length : base64EncodedLength(body.octets));
  }
  // "--b\r\n" before the first part, "\r\n--b\r\n" before the others, "\r\n--b--\r\n" at the end.
  const delimiter = entity.boundary.length + 2;
  return header + entity.parts.reduce(
    (sum, part, i) => sum + (i === 0 ? 2 : 4) + delimiter + entitySize(part),
    delimiter + 6,
  );
}

/**
 * The entity's octets, parts in order (RFC 2046 §5.1.1: the CRLF before a delimiter belongs to
 * it), files read and base64-encoded a chunk at a time.
 */
export async function* streamEntity(entity: MimeEntity): AsyncGenerator<Uint8Array> {
  yield headerBlock(entity);
  if ("parts" in entity) {
    for (const [i, part] of entity.parts.entries()) {
      yield ascii.encode(`${i === 0 ? "" : "\r\n"}--${entity.boundary}\r\n`);
      yield* streamEntity(part);
    }
    yield ascii.encode(`\r\n--${entity.boundary}--\r\n`);
  } else if (entity.body instanceof Uint8Array) {
    yield entity.body;
  } else {
    yield* streamFileBase64(entity.body.file);
  }
}

/** A file as base64 lines, read into one reused buffer; closed when done or cancelled. */
async function* streamFileBase64(path: string): AsyncGenerator<Uint8Array> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    throw new MessageSourceError(path, error instanceof Error ? error.message : String(error));
  }
  try {
    const buffer = new Uint8Array(READ_OCTETS);
    const encoder = new Base64Encoder();
    for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
      const lines = encoder.encode(buffer.subarray(0, n));
      if (lines.length > 0) yield lines;
    }
    yield encoder.end();
  } finally {
    file.close();
  }
}
