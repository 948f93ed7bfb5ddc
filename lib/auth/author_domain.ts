/**
 * The Author Domain of a message (RFC 7489 §3.2): the domain of the mailbox in its From
 * header field, which a DKIM signature is expected to align with. Read from the header alone,
 * so a message of any size is read only as far as its header.
 *
 * @module
 */

import { AddressSyntaxError } from "../address/errors.ts";
import { parseAddressList } from "../address/mailbox_list.ts";
import { DnsNameError } from "../dns/errors.ts";
import { toMailDomain } from "../dns/mail_domain.ts";
import { findField, parseHeaderBlock } from "../message/header.ts";

const LF = 10;
const CR = 13;
/** Header bytes read at most when looking for the From field of a stream. */
export const MAX_HEADER_BYTES = 1024 * 1024;

/** A message stream split into its header and the whole message, replayable once. */
export interface PeekedMessage {
  /** The header block (up to the empty line), or the first {@linkcode MAX_HEADER_BYTES}. */
  header: Uint8Array;
  /** The whole message again: the bytes read so far, then the rest of the stream. */
  message: ReadableStream<Uint8Array>;
}

/**
 * The From mailbox's domain in A-labels, or `undefined` when the header has no From field
 * or it holds no mailbox with a domain name.
 *
 * @example
 * ```ts
 * authorDomain(new TextEncoder().encode("From: Ann <ann@Example.Test>\r\n\r\n")); // "example.test"
 * ```
 */
export function authorDomain(header: Uint8Array): string | undefined {
  const from = findField(parseHeaderBlock(header, []), "From");
  if (from === undefined) return undefined;
  try {
    // RFC 5322 §3.6.2: From is a mailbox-list; RFC 7489 §3.2 takes its (first) domain
    const [first] = parseAddressList(from.value).flatMap((e) => "group" in e ? e.members : [e]);
    return first === undefined ? undefined : toMailDomain(first.domain).ascii;
  } catch (error) {
    if (error instanceof AddressSyntaxError || error instanceof DnsNameError) return undefined;
    throw error;
  }
}

/**
 * The header of `message` (up to and without the empty line of RFC 5322 §2.1), read from a
 * stream without losing what was read: {@linkcode PeekedMessage.message} replays it.
 *
 * @example
 * ```ts
 * const { header, message } = await peekHeader(ReadableStream.from([bytes]));
 * authorDomain(header);
 * ```
 */
export async function peekHeader(stream: ReadableStream<Uint8Array>): Promise<PeekedMessage> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let seen = new Uint8Array(0);
  let end = -1;
  while (end < 0 && seen.length < MAX_HEADER_BYTES) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    const grown = new Uint8Array(seen.length + value.length);
    grown.set(seen);
    grown.set(value, seen.length);
    end = headerEnd(grown, Math.max(0, seen.length - 2));
    seen = grown;
  }
  const message = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = chunks.shift() ?? (await reader.read()).value;
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { header: seen.subarray(0, end < 0 ? seen.length : end), message };
}

/** RFC 5322 §2.1: the offset of the empty line ending the header (CRLF CRLF or LF LF), or -1. */
function headerEnd(bytes: Uint8Array, from: number): number {
  if (from === 0 && (bytes[0] === LF || (bytes[0] === CR && bytes[1] === LF))) return 0;
  for (let pos = bytes.indexOf(LF, from); pos >= 0; pos = bytes.indexOf(LF, pos + 1)) {
    if (bytes[pos + 1] === LF || (bytes[pos + 1] === CR && bytes[pos + 2] === LF)) return pos + 1;
  }
  return -1;
}
