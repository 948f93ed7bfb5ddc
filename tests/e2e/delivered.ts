/**
 * A test's `postie serve` and what it delivered: a Maildir file is `Return-Path: <from>` CRLF,
 * the server's three-line `Received:` field, then exactly the content the client sent
 * (dot-unstuffed). End-to-end tests split a file into those parts and compare bytes.
 *
 * @module
 */

import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { type ServeProcess, startServe } from "./serve_process.ts";

/** One delivered Maildir file, split at the fields the server prepended. */
export interface DeliveredMessage {
  /** The file name in new/. */
  name: string;
  /** The address inside `Return-Path: <…>` (RFC 5321 §4.4). */
  returnPath: string;
  /** The `Received:` field's lines, without their CRLFs. */
  received: string[];
  /** Everything after the Received field: the message as the client sent it. */
  content: Uint8Array;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Splits a delivered file; throws if it does not start with Return-Path and Received. */
export function splitDelivered(name: string, bytes: Uint8Array): DeliveredMessage {
  const lines: string[] = [];
  let at = 0;
  // The prepended fields are ASCII except for SMTPUTF8 addresses, so decoding them is exact.
  while (lines.length < 2 || isContinuation(bytes, at)) {
    const end = bytes.indexOf(10, at);
    ok(end > at && bytes[end - 1] === 13, `${name}: header line ${lines.length + 1} lacks CRLF`);
    lines.push(decoder.decode(bytes.subarray(at, end - 1)));
    at = end + 1;
  }
  const returnPath = /^Return-Path: <(.*)>$/.exec(lines[0]);
  ok(returnPath, `${name}: first line is not Return-Path: ${lines[0]}`);
  match(lines[1], /^Received: from /, `${name}: second field is not Received`);
  return { name, returnPath: returnPath[1], received: lines.slice(1), content: bytes.subarray(at) };
}

function isContinuation(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 9 || bytes[at] === 32; // RFC 5322 §2.2.3: folded lines start with WSP
}

/**
 * Stops the server (SIGTERM: it finishes every delivery first), checks it exited 0, and reads
 * and splits everything in new/, sorted by file name (the order of arrival).
 */
export async function collectDelivered(serve: ServeProcess): Promise<DeliveredMessage[]> {
  equal(await serve.stop(), 0, `postie serve exit code; output:\n${serve.output()}`);
  const names = await serve.delivered();
  return await Promise.all(
    names.map(async (name) => splitDelivered(name, await Deno.readFile(join(serve.newDir, name)))),
  );
}

/** Stops the server if still running and removes its data dir. */
async function disposeServe(serve: ServeProcess): Promise<void> {
  await serve.stop();
  await Deno.remove(serve.dataDir, { recursive: true });
}

/**
 * Starts `postie serve` with `args`, runs `fn`, then stops the server and removes its data dir
 * whatever happened.
 *
 * @example
 * ```ts
 * const messages = await withServe(["--max-size", "1MB"], async (serve) => {
 *   // ... send to 127.0.0.1:serve.port ...
 *   return await collectDelivered(serve);
 * });
 * ```
 */
export async function withServe<T>(
  args: string[],
  fn: (serve: ServeProcess) => Promise<T>,
): Promise<T> {
  const serve = await startServe({ args });
  try {
    return await fn(serve);
  } finally {
    await disposeServe(serve);
  }
}

/** What a test expects of one delivered message. */
export interface ExpectedDelivery {
  from: string;
  /** The content the client sent (dot-unstuffed), as bytes or a string to UTF-8 encode. */
  content: Uint8Array | string;
  /** The `with` protocol of the Received field; ESMTP if unset. */
  protocol?: string;
  /** The single recipient named in `for <…>`, or undefined when there were several. */
  recipient?: string;
}

/**
 * Asserts the file is `Return-Path: <from>`, a three-line Received field by postie.test, and
 * then byte for byte the expected content.
 */
export function assertDelivered(message: DeliveredMessage, expected: ExpectedDelivery): void {
  equal(message.returnPath, expected.from, `${message.name}: Return-Path`);
  equal(message.received.length, 3, `${message.name}: Received has 3 lines`);
  const protocol = expected.protocol ?? "ESMTP";
  match(message.received[1], new RegExp(`^\tby postie\\.test \\(postie\\) with ${protocol} id `));
  if (expected.recipient === undefined) {
    match(message.received[2], /^\t[A-Z][a-z]{2}, \d/, `${message.name}: date, no for clause`);
  } else {
    ok(
      message.received[2].startsWith(`\tfor <${expected.recipient}>; `),
      `${message.name}: for clause in ${message.received[2]}`,
    );
  }
  const content = typeof expected.content === "string"
    ? encoder.encode(expected.content)
    : expected.content;
  // One char per byte: a lossless comparison whose failure shows a readable diff.
  equal(latin1(message.content), latin1(content), `${message.name}: content differs`);
}

/** Bytes as one char each: a lossless text view for diffs. */
export function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}
