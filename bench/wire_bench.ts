/**
 * lib/wire throughput on a 50 MB message, against a naive baseline in the same run: the line
 * reader (every line of the message) and the DATA dot-unstuffer (the whole body), each fed in
 * 64 KiB chunks as a socket would deliver them. The baseline decodes the bytes to a string and
 * splits on CRLF, as a quick hand-written server would.
 *
 * Run: `deno run -A bench/wire_bench.ts [--megabytes 50] [--runs 5] [--record]`
 */
import { parseArgs } from "node:util";
import { DotUnstuffer, LineReader, TEXT_LINE_LIMIT } from "../lib/wire/mod.ts";
import { appendResults, measure, printTable } from "./harness.ts";

const { values } = parseArgs({
  options: {
    megabytes: { type: "string", default: "50" },
    runs: { type: "string", default: "5" },
    record: { type: "boolean", default: false },
  },
});
const CHUNK = 64 * 1024;

/** A dot-stuffed message body of about `size` bytes: text lines, some starting with ".". */
function makeMessage(size: number): Uint8Array {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line = i % 17 === 0 ? `..stuffed line ${i}` : `line ${i} ${"x".repeat(i % 70)}`;
    lines.push(line);
    length += line.length + 2;
  }
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n.\r\n");
}

function chunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}

async function postieLines(pieces: Uint8Array[]): Promise<number> {
  const reader = new LineReader(ReadableStream.from(pieces), { maxLineLength: TEXT_LINE_LIMIT });
  let count = 0;
  while ((reader.bufferedLine() ?? await reader.readLine()) !== null) count++;
  return count;
}

async function naiveLines(pieces: Uint8Array[]): Promise<number> {
  const decoder = new TextDecoder();
  let pending = "";
  let count = 0;
  for await (const piece of ReadableStream.from(pieces)) {
    pending += decoder.decode(piece, { stream: true });
    const lines = pending.split("\r\n");
    pending = lines.pop()!;
    count += lines.length;
  }
  return count;
}

function postieUnstuff(pieces: Uint8Array[]): number {
  const decoder = new DotUnstuffer();
  let size = 0;
  for (const piece of pieces) {
    const { data, done } = decoder.push(piece);
    for (const part of data) size += part.length;
    if (done) break;
  }
  return size;
}

function naiveUnstuff(pieces: Uint8Array[]): number {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let size = 0;
  for (const piece of pieces) {
    pending += decoder.decode(piece, { stream: true });
    const lines = pending.split("\r\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === ".") return size;
      size += encoder.encode((line.startsWith(".") ? line.slice(1) : line) + "\r\n").length;
    }
  }
  return size;
}

const message = makeMessage(Number(values.megabytes) * 1e6);
const pieces = chunks(message);
const megabytes = message.length / 1e6;
const runs = Number(values.runs);
const rate = async (name: string, fn: () => unknown) => {
  const m = await measure(name, fn, { runs, warmup: 1 });
  return { name, value: megabytes / (m.medianMs / 1000), unit: "MB/s" };
};

const sections = [
  printTable(`line reader over ${megabytes.toFixed(0)} MB in 64 KiB chunks (median of ${runs})`, [
    await rate("naive: decode + split on CRLF", () => naiveLines(pieces)),
    await rate("postie LineReader (bufferedLine ?? readLine)", () => postieLines(pieces)),
  ]),
  printTable(`DATA dot-unstuffing of ${megabytes.toFixed(0)} MB (median of ${runs})`, [
    await rate("naive: decode + split + strip dots + encode", () => naiveUnstuff(pieces)),
    await rate("postie DotUnstuffer", () => postieUnstuff(pieces)),
  ]),
];
if (values.record) await appendResults("wire: line reader and dot-unstuffer", sections.join("\n"));
