/**
 * Where `postie parse` reads messages from: a message file, stdin, an mbox (every message in
 * it) or a Maildir directory, each parsed as it streams in.
 *
 * @module
 */

import { MboxSplitter, MimeParser, type MimeParserOptions } from "../lib/message/mod.ts";
import type { MessagePart } from "../lib/message/mod.ts";
import type { ProgressBar } from "./progress.ts";

/** One parsed message and where it came from. */
export interface ParsedMessage {
  /** File name, "-" for stdin; for Maildir, the message file's path. */
  source: string;
  /** 1-based position in an mbox; 1 otherwise. */
  index: number;
  /** Its part tree. */
  root: MessagePart;
}

/** An input that cannot be read: missing, unreadable, or a directory that is no Maildir. */
export class InputError extends Error {
  override name = "InputError";
}

/** An input that holds no message at all (empty). */
export class NotAMessageError extends Error {
  override name = "NotAMessageError";
}

const FROM_ = new TextEncoder().encode("From ");

/**
 * Parses every message of `path` ("-" for stdin), in order. With `progress`, an mbox file shows
 * its octets read of the file's size on that bar, cleared before each message is yielded.
 */
export async function* readMessages(
  path: string,
  options: MimeParserOptions,
  progress?: ProgressBar,
): AsyncGenerator<ParsedMessage> {
  if (path === "-") {
    yield* readStream(Deno.stdin.readable, "-", options);
    return;
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (info.isDirectory) {
    yield* readMaildir(path, options);
    return;
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  yield* readStream(file.readable, path, options, progress && { bar: progress, total: info.size });
}

/** A Maildir: the files of new/ then cur/, in name order. */
async function* readMaildir(
  dir: string,
  options: MimeParserOptions,
): AsyncGenerator<ParsedMessage> {
  const files: string[] = [];
  let found = false;
  for (const sub of ["new", "cur"]) {
    try {
      const names: string[] = [];
      for await (const entry of Deno.readDir(`${dir}/${sub}`)) {
        if (entry.isFile) names.push(entry.name);
      }
      found = true;
      files.push(...names.sort().map((name) => `${dir}/${sub}/${name}`));
    } catch {
      // not there: a Maildir needs at least one of new/ and cur/
    }
  }
  if (!found) throw new InputError(`${dir} is a directory but not a Maildir (no new/ or cur/)`);
  for (const file of files) {
    const handle = await Deno.open(file);
    yield* readStream(handle.readable, file, options);
  }
}

/** A bar to report an mbox's reading on, and the octets there are to read. */
interface MboxProgress {
  bar: ProgressBar;
  total: number;
}

/** One message, or an mbox when the first line starts with "From " (RFC 4155). */
async function* readStream(
  stream: ReadableStream<Uint8Array>,
  source: string,
  options: MimeParserOptions,
  progress?: MboxProgress,
): AsyncGenerator<ParsedMessage> {
  const reader = stream[Symbol.asyncIterator]();
  const first = await nextNonEmpty(reader);
  if (!first) throw new NotAMessageError(`${source} is empty: no message`);
  if (!startsWith(first, FROM_)) {
    const parser = new MimeParser(options);
    parser.push(first);
    for await (const chunk of { [Symbol.asyncIterator]: () => reader }) parser.push(chunk);
    yield { source, index: 1, root: parser.end() };
    return;
  }
  try {
    yield* readMbox(first, reader, source, options, progress);
  } finally {
    progress?.bar.clear();
  }
}

/** Every message of an mbox whose first chunk is `first`, the bar cleared before each. */
async function* readMbox(
  first: Uint8Array,
  reader: AsyncIterator<Uint8Array>,
  source: string,
  options: MimeParserOptions,
  progress?: MboxProgress,
): AsyncGenerator<ParsedMessage> {
  const splitter = new MboxSplitter();
  let parser: MimeParser | undefined;
  let index = 0;
  const chunks = (async function* () {
    yield first;
    for await (const chunk of { [Symbol.asyncIterator]: () => reader }) yield chunk;
  })();
  let read = 0;
  for await (const chunk of chunks) {
    for (const event of splitter.push(chunk)) {
      if (event.kind === "data") parser?.push(event.bytes);
      else {
        if (parser) {
          progress?.bar.clear();
          yield { source, index, root: parser.end() };
        }
        parser = new MimeParser(options);
        index++;
      }
    }
    read += chunk.length;
    progress?.bar.update(read, progress.total, index);
  }
  for (const event of splitter.end()) if (event.kind === "data") parser?.push(event.bytes);
  progress?.bar.clear();
  if (parser) yield { source, index, root: parser.end() };
}

async function nextNonEmpty(
  reader: AsyncIterator<Uint8Array>,
): Promise<Uint8Array | undefined> {
  for (;;) {
    const { done, value } = await reader.next();
    if (done) return undefined;
    if (value.length > 0) return value;
  }
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  return prefix.every((octet, i) => data[i] === octet);
}
