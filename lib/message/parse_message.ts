/**
 * One-call parsing of a whole message from a stream or an array of octets.
 *
 * @module
 */

import { MimeParser, type MimeParserOptions } from "./mime_parser.ts";
import type { MessagePart } from "./part.ts";

/**
 * Parses a message into its part tree. A stream is read to its end, one chunk at a time
 * (memory stays bounded unless bodies are kept); bad input gives warnings, never an error.
 * Errors from the stream itself (I/O) are passed on.
 *
 * @example
 * ```ts
 * const root = await parseMessage(new TextEncoder().encode("Subject: hi\r\n\r\nbody\r\n"));
 * root.headers[0].value; // "hi"
 * ```
 */
export async function parseMessage(
  input: ReadableStream<Uint8Array> | Uint8Array,
  options: MimeParserOptions = {},
): Promise<MessagePart> {
  const parser = new MimeParser(options);
  if (input instanceof Uint8Array) {
    parser.push(input);
    return parser.end();
  }
  for await (const chunk of input) parser.push(chunk);
  return parser.end();
}
