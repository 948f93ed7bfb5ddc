/**
 * Test helpers for lib/message: parse a string message, find a part by path.
 *
 * @module
 */

import {
  findPart,
  type MessagePart,
  MimeParser,
  type MimeParserOptions,
} from "../../lib/message/mod.ts";

/** Parses `text` (CRLF as written) in chunks of `chunkSize` octets (all at once by default). */
export function parseText(
  text: string | Uint8Array,
  options: MimeParserOptions = {},
  chunkSize = Infinity,
): MessagePart {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const parser = new MimeParser(options);
  const step = Math.min(chunkSize, Math.max(bytes.length, 1));
  for (let at = 0; at < bytes.length; at += step) parser.push(bytes.subarray(at, at + step));
  return parser.end();
}

/** The part at `path`, failing the test if there is none. */
export function part(root: MessagePart, path: string): MessagePart {
  const found = findPart(root, path);
  if (!found) throw new Error(`no part ${path}`);
  return found;
}

/** The decoded body of a part kept with `keepBodies`, as UTF-8 text. */
export function bodyText(part: MessagePart): string {
  return new TextDecoder().decode(part.body);
}
