/**
 * A node of the MIME part tree, and how its header fields describe it (RFC 2045, RFC 2183).
 *
 * @module
 */

import { charsetDecoder } from "./charset.ts";
import {
  type ContentDisposition,
  type ContentType,
  defaultContentType,
  parseContentDisposition,
  parseContentType,
} from "./content_type.ts";
import { findField, type HeaderField } from "./header.ts";

/** Transfer encodings whose body is the content itself (RFC 2045 §6.2). */
const IDENTITY_ENCODINGS = new Set(["7bit", "8bit", "binary"]);
/** Transfer encodings with a decoder (RFC 2045 §6.7, §6.8). */
const DECODED_ENCODINGS = new Set(["base64", "quoted-printable"]);

/**
 * One MIME part: the message itself (path "1"), a body part of a multipart ("1.2"), or the
 * message inside a message/rfc822 part ("1.2.1"). Offsets count octets from the start of the
 * input; sizes and the hash are filled in when the part ends.
 */
export interface MessagePart {
  /** Position in the tree: "1" for the message, "1.2.1" for the first part of its second part. */
  path: string;
  /** Header fields in order. */
  headers: HeaderField[];
  /** Its media type, the default when the field is missing or unusable. */
  contentType: ContentType;
  /** Content-Disposition, if present. */
  disposition?: ContentDisposition;
  /** Disposition `filename`, else Content-Type `name` (RFC 2183 §2.3, RFC 1341 legacy). */
  filename?: string;
  /** Content-Transfer-Encoding, lower case; "7bit" when absent (RFC 2045 §6.1). */
  transferEncoding: string;
  /** The `charset` parameter, lower case; "us-ascii" for text/* without one (RFC 2046 §4.1.2). */
  charset?: string;
  /** Offset of the first header octet. */
  headerOffset: number;
  /** Offset of the first body octet (after the blank line). */
  bodyOffset: number;
  /** Offset just past the body (before the CRLF that precedes a boundary delimiter). */
  endOffset: number;
  /** Body octets as encoded in the message. */
  encodedSize: number;
  /** Octets after transfer decoding (leaf parts; 0 for multipart and message parts). */
  decodedSize: number;
  /** Lower-case hex SHA-256 of the decoded content (leaf parts only). */
  sha256?: string;
  /** The decoded content, when the parser was asked to keep it. */
  body?: Uint8Array;
  /** What was wrong with this part, in words. */
  warnings: string[];
  /** Body parts of a multipart, or the one message of a message/rfc822 part. */
  children: MessagePart[];
}

/** A part that has just begun at `headerOffset`, its fields to be filled in. */
export function newPart(path: string, headerOffset: number): MessagePart {
  return {
    path,
    headers: [],
    contentType: defaultContentType(false),
    transferEncoding: "7bit",
    headerOffset,
    bodyOffset: headerOffset,
    endOffset: headerOffset,
    encodedSize: 0,
    decodedSize: 0,
    warnings: [],
    children: [],
  };
}

/**
 * Fills in a part's content type, disposition, file name, transfer encoding and charset from
 * its header fields, with a warning for each value that could not be used.
 */
export function describePart(part: MessagePart, headers: HeaderField[], inDigest: boolean): void {
  const warn = part.warnings;
  part.headers = headers;
  const typeField = findField(headers, "content-type");
  const parsed = typeField ? parseContentType(typeField.unfolded, warn) : undefined;
  if (typeField && !parsed) {
    warn.push(`unusable Content-Type "${typeField.unfolded}": default used`);
  }
  part.contentType = parsed ?? defaultContentType(inDigest);
  const dispositionField = findField(headers, "content-disposition");
  if (dispositionField) part.disposition = parseContentDisposition(dispositionField.unfolded, warn);
  const filename = part.disposition?.params.filename ?? part.contentType.params.name;
  if (filename !== undefined) part.filename = filename;
  const encoding = findField(headers, "content-transfer-encoding")?.unfolded.toLowerCase()
    .replace(/[;\s].*$/, "");
  part.transferEncoding = encoding || "7bit";
  if (!IDENTITY_ENCODINGS.has(part.transferEncoding) && !isDecoded(part)) {
    warn.push(`unknown Content-Transfer-Encoding "${part.transferEncoding}": body kept as is`);
  }
  const charset = part.contentType.params.charset ??
    (part.contentType.type === "text" ? "us-ascii" : undefined);
  if (charset !== undefined) {
    part.charset = charset.toLowerCase();
    if (!charsetDecoder(part.charset)) warn.push(`unknown charset "${charset}": read as latin1`);
  }
}

/** Whether the part's body goes through a base64 or quoted-printable decoder. */
export function isDecoded(part: MessagePart): boolean {
  return DECODED_ENCODINGS.has(part.transferEncoding);
}

/** Every part of the tree, in order (a part before its children). */
export function* walkParts(part: MessagePart): Generator<MessagePart> {
  const stack = [part];
  while (stack.length > 0) {
    const next = stack.pop()!;
    yield next;
    for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i]);
  }
}

/** The part at `path` ("1.2"), if the tree has one. */
export function findPart(root: MessagePart, path: string): MessagePart | undefined {
  for (const part of walkParts(root)) if (part.path === path) return part;
  return undefined;
}
