import { crc32 } from "node:zlib";

/** The four bytes that start every spool record ("PSR1": postie spool record, version 1). */
const MAGIC = new Uint8Array([0x50, 0x53, 0x52, 0x31]);
/** magic + meta length + body length + CRC-32 of meta and body. */
export const RECORD_HEADER_SIZE = 16;

/** A decoded spool record: JSON metadata and the message bytes. */
export interface SpoolRecord<Meta> {
  meta: Meta;
  body: Uint8Array;
  /** Where the record starts in its segment, and its total length. */
  offset: number;
  length: number;
}

/**
 * Encodes a record as pieces to write in order: a fixed header, the metadata JSON, the body
 * pieces (not copied). The CRC-32 lets recovery tell a torn tail from a whole record.
 */
export function encodeRecord(meta: unknown, body: readonly Uint8Array[]): Uint8Array[] {
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  let bodyLength = 0;
  let crc = crc32(metaBytes);
  for (const piece of body) {
    bodyLength += piece.length;
    crc = crc32(piece, crc);
  }
  const header = new Uint8Array(RECORD_HEADER_SIZE);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  view.setUint32(4, metaBytes.length);
  view.setUint32(8, bodyLength);
  view.setUint32(12, crc);
  return [header, metaBytes, ...body];
}

/**
 * Decodes the records of a segment in order. Stops at the first record that is incomplete or
 * whose checksum fails: a crash can only tear the tail, which was never acknowledged.
 */
export function* decodeRecords<Meta>(segment: Uint8Array): Generator<SpoolRecord<Meta>> {
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  let offset = 0;
  while (offset + RECORD_HEADER_SIZE <= segment.length) {
    if (!MAGIC.every((byte, i) => segment[offset + i] === byte)) return;
    const metaLength = view.getUint32(offset + 4);
    const bodyLength = view.getUint32(offset + 8);
    const end = offset + RECORD_HEADER_SIZE + metaLength + bodyLength;
    if (end > segment.length) return;
    const metaBytes = segment.subarray(
      offset + RECORD_HEADER_SIZE,
      offset + RECORD_HEADER_SIZE + metaLength,
    );
    const body = segment.subarray(end - bodyLength, end);
    if (crc32(body, crc32(metaBytes)) !== view.getUint32(offset + 12)) return;
    let meta: Meta;
    try {
      meta = JSON.parse(new TextDecoder().decode(metaBytes));
    } catch {
      return;
    }
    yield { meta, body, offset, length: end - offset };
    offset = end;
  }
}
