/**
 * One-call parsing of a whole message from a stream or an array of octets.
 *
 * @module
 */

import { MimeParser, type MimeParserOptions } from "./mime_parser.ts";
import type { MessagePart } from "./part.ts";

/** Octets asked of a byte stream per read. */
const READ_SIZE = 64 * 1024;

/**
 * Parses a message into its part tree. A stream is read to its end, one chunk at a time
 * (memory stays bounded unless bodies are kept); bad input gives warnings, never an error.
 * Errors from the stream itself (I/O) are passed on. A byte stream is read with a BYOB
 * reader, so its source must answer a pending read when it closes (`byobRequest.respond(0)`),
 * as Deno's file, socket and stdin streams do.
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
  for await (const chunk of chunksOf(input)) parser.push(chunk);
  return parser.end();
}

/**
 * The chunks of `stream`. A byte stream (a file's or a socket's `readable`) is read into two
 * buffers in turn, the next read under way while the parser takes the last one, so a large
 * message leaves no garbage chunk behind (V8 frees array buffers only every few tens of MB);
 * the parser copies what it keeps.
 */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: "byob" });
  } catch {
    yield* stream; // not a byte stream: its own chunks
    return;
  }
  let next: Promise<ReadableStreamReadResult<Uint8Array<ArrayBuffer>>> | undefined;
  try {
    let spare = new ArrayBuffer(READ_SIZE);
    next = reader.read(new Uint8Array(READ_SIZE));
    for (;;) {
      const { value, done } = await next;
      next = undefined;
      if (done || !value) return;
      next = reader.read(new Uint8Array(spare));
      yield value;
      spare = value.buffer;
    }
  } finally {
    next?.catch(() => {}); // a read left pending when the consumer stopped early
    reader.releaseLock();
  }
}
