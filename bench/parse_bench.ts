/**
 * lib/message parsing against mailparser (`simpleParser`) and postal-mime on Deno, in one run:
 * MB/s and peak RSS for (a) 10,000 generated typical messages of 5–50 kB (text/plain,
 * multipart/alternative with HTML, a few with base64 attachments) and (b) one 200 MB message
 * with large base64 attachments. The corpus comes from a seeded generator and goes to a temp
 * directory. Each contender runs in its own process (this file with `--contender`), so its
 * peak RSS (VmHWM) is its own; each loads only its own library (dynamic `import`).
 *
 * Fairness: every contender decodes every part and ends up with the same things: all header
 * fields decoded (RFC 2047), every text part as a string through its charset, every
 * attachment transfer-decoded and SHA-256 hashed. postie hashes in its parser (it hashes text
 * parts too, extra work the others skip) and keeps only text bodies, decoded afterwards with
 * `decodeCharset`; mailparser hashes with `checksumAlgo: "sha256"`, its text-to-HTML, link and
 * HTML-to-text extras switched off; postal-mime returns attachments as ArrayBuffers that this
 * file hashes. Load (a) hands each contender every message as an array of octets (a Buffer for
 * mailparser); load (b) gives each its cheapest input from the file: a byte stream for postie,
 * a Node stream for mailparser (its streaming input), the whole file for postal-mime (which
 * reads any stream into one array anyway). A "read input only" row is the floor: the same
 * reads (load (b) into one reused buffer), no parsing.
 *
 * Run: `deno run -A bench/parse_bench.ts [--messages 10000] [--large-mb 200] [--runs 5]
 * [--seed 42] [--dir DIR] [--record]`. With `--dir`, the corpus is written there and kept, so
 * that one contender can be rerun or profiled alone:
 * `deno run -A --cpu-prof bench/parse_bench.ts --contender postie --load typical --dir DIR`.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { parseArgs } from "node:util";
import { decodeCharset, type MessagePart, parseMessage, walkParts } from "../lib/message/mod.ts";
import {
  appendResults,
  BenchError,
  measure,
  peakRssKiB,
  printTable,
  type Row,
  seededRandom as random,
} from "./harness.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    "large-mb": { type: "string", default: "200" },
    runs: { type: "string", default: "5" },
    seed: { type: "string", default: "42" },
    record: { type: "boolean", default: false },
    contender: { type: "string" },
    load: { type: "string" },
    dir: { type: "string" },
  },
});

const CONTENDERS = ["read input only", "mailparser", "postal-mime", "postie"] as const;
type Contender = typeof CONTENDERS[number];
type Load = "typical" | "large";
const encoder = new TextEncoder();

// ---- deterministic corpus -------------------------------------------------------------------

const WORDS = ("the of and to in is that for it as with was on be by this are from at or an " +
  "meeting invoice report quarter delivery schedule please attached review café Grüße naïve " +
  "déjà señor smörgåsbord Zürich update project budget thanks regards tomorrow server mail")
  .split(" ");

function prose(rand: () => number, chars: number): string {
  const lines: string[] = [];
  let line = "";
  for (let length = 0; length < chars;) {
    const word = WORDS[Math.floor(rand() * WORDS.length)];
    if (line.length + word.length > 70) {
      lines.push(line);
      length += line.length + 2;
      line = "";
    }
    line += line ? ` ${word}` : word;
  }
  return lines.join("\r\n") + "\r\n";
}

/** RFC 2045 §6.7 quoted-printable of UTF-8 `text`, CRLF line breaks kept, soft breaks at 76. */
function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split("\r\n")) {
    let encoded = "";
    let width = 0;
    for (const byte of encoder.encode(line)) {
      const literal = byte >= 33 && byte <= 126 && byte !== 61 || byte === 32;
      const piece = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase()}`;
      if (width + piece.length > 75) {
        encoded += "=\r\n";
        width = 0;
      }
      encoded += piece;
      width += piece.length;
    }
    out.push(encoded.endsWith(" ") ? encoded.slice(0, -1) + "=20" : encoded);
  }
  return out.join("\r\n");
}

/** Base64 in 76-character lines (RFC 2045 §6.8), CRLF after each. */
function base64Lines(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
  let out = "";
  for (let i = 0; i < text.length; i += 76) out += text.slice(i, i + 76) + "\r\n";
  return out;
}

function randomBytes(rand: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = rand() * 256;
  return bytes;
}

function envelopeHeader(rand: () => number, n: number): string {
  const day = 1 + Math.floor(rand() * 28);
  return [
    `Received: from mx${n % 7}.example.net (mx${n % 7}.example.net [192.0.2.${n % 250}])`,
    `\tby mail.example.org with ESMTPS id ${n.toString(36)}; Tue, ${day} Nov 2026 10:00:00 +0000`,
    `Received: from client.example.net by mx.example.net; Tue, ${day} Nov 2026 09:59:58 +0000`,
    `DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=sel; h=from:to:subject:date;`,
    `\tbh=${base64Lines(randomBytes(rand, 32)).trim()};`,
    `\tb=${base64Lines(randomBytes(rand, 96)).replace(/\r\n(?=.)/g, "\r\n\t").trim()}`,
    `From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jorg${n}@example.net>`,
    `To: "Team ${n % 13}" <team${n % 13}@example.org>, ops@example.org`,
    `Subject: =?utf-8?b?${btoa(String.fromCharCode(...encoder.encode(`Réunion ${n}`)))}?=`,
    `Date: Tue, ${day} Nov 2026 09:59:57 +0000`,
    `Message-ID: <${n}.${Math.floor(rand() * 1e9)}@example.net>`,
    "MIME-Version: 1.0",
  ].join("\r\n") + "\r\n";
}

function textPart(body: string, subtype: "plain" | "html"): string {
  return `Content-Type: text/${subtype}; charset=utf-8\r\n` +
    `Content-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(body)}\r\n`;
}

function alternative(rand: () => number, textChars: number, boundary: string): string {
  const text = prose(rand, textChars);
  const html = `<html><body><p>${text.replaceAll("\r\n", "</p>\r\n<p>")}</p></body></html>`;
  return `Content-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n` +
    `--${boundary}\r\n${textPart(text, "plain")}--${boundary}\r\n${textPart(html, "html")}` +
    `--${boundary}--\r\n`;
}

function attachment(rand: () => number, size: number, name: string): string {
  return `Content-Type: application/pdf; name="${name}"\r\n` +
    `Content-Disposition: attachment; filename="${name}"\r\n` +
    `Content-Transfer-Encoding: base64\r\n\r\n${base64Lines(randomBytes(rand, size))}`;
}

/** One typical message of about `size` octets: 45% plain, 45% alternative, 10% attachments. */
function typicalMessage(rand: () => number, n: number, size: number): string {
  const head = envelopeHeader(rand, n);
  const kind = rand();
  if (kind < 0.45) return head + textPart(prose(rand, size - head.length - 200), "plain");
  if (kind < 0.9) return head + alternative(rand, (size - head.length) / 3.2, `alt-${n}`);
  const files = 1 + Math.floor(rand() * 2);
  const fileSize = Math.floor((size - head.length) * 0.55 / files);
  let message = head + `Content-Type: multipart/mixed; boundary="mix-${n}"\r\n\r\n` +
    `--mix-${n}\r\n${alternative(rand, (size - head.length) * 0.1, `alt-${n}`)}`;
  for (let i = 0; i < files; i++) {
    message += `--mix-${n}\r\n${attachment(rand, fileSize, `report-${n}-${i}.pdf`)}`;
  }
  return message + `--mix-${n}--\r\n`;
}

/** Writes load (a) as one file of messages back to back and a JSON list of their lengths. */
async function writeTypical(dir: string, count: number, seed: number): Promise<number> {
  const rand = random(seed);
  using file = await Deno.open(`${dir}/typical.bin`, { write: true, create: true, truncate: true });
  const lengths: number[] = [];
  for (let n = 0; n < count; n++) {
    const bytes = encoder.encode(typicalMessage(rand, n, 5000 + Math.floor(rand() * 45000)));
    lengths.push(bytes.length);
    await file.write(bytes);
  }
  await Deno.writeTextFile(`${dir}/typical.json`, JSON.stringify(lengths));
  return lengths.reduce((a, b) => a + b, 0);
}

/** Writes load (b): text and HTML, then four base64 attachments, about `megabytes` in all. */
async function writeLarge(dir: string, megabytes: number, seed: number): Promise<number> {
  const rand = random(seed + 1);
  using file = await Deno.open(`${dir}/large.eml`, { write: true, create: true, truncate: true });
  let written = 0;
  const write = async (text: string) => {
    const bytes = encoder.encode(text);
    written += bytes.length;
    await file.write(bytes);
  };
  await write(envelopeHeader(rand, 0) + `Content-Type: multipart/mixed; boundary="big"\r\n\r\n`);
  await write(`--big\r\n${alternative(rand, 4000, "big-alt")}`);
  const CHUNK = 57 * 1024; // whole base64 lines per chunk
  const chunksPerFile = Math.round(megabytes * 1e6 / 4 / (CHUNK * 78 / 57));
  for (let i = 0; i < 4; i++) {
    await write(`--big\r\n${attachment(rand, 0, `archive-${i}.pdf`)}`);
    for (let c = 0; c < chunksPerFile; c++) await write(base64Lines(randomBytes(rand, CHUNK)));
  }
  await write("--big--\r\n");
  return written;
}

// ---- contenders (child process) -------------------------------------------------------------

/** What a contender decoded: a check that all of them did the same work. */
interface Tally {
  attachments: number;
  attachmentBytes: number;
  textChars: number;
  headerChars: number;
}

const keepText = (part: MessagePart) =>
  part.contentType.type === "text" && part.disposition?.type !== "attachment";

async function parsePostie(input: ReadableStream<Uint8Array> | Uint8Array, tally: Tally) {
  const root = await parseMessage(input, { keepBodies: keepText });
  for (const part of walkParts(root)) {
    for (const field of part.headers) tally.headerChars += field.value.length;
    if (part.body) {
      tally.textChars += decodeCharset(part.body, part.charset ?? "us-ascii").text.length;
    } else if (part.disposition?.type === "attachment") {
      tally.attachments++;
      tally.attachmentBytes += part.decodedSize;
    }
  }
}

async function parseMailparser(input: Buffer | ReadStream, tally: Tally) {
  const { simpleParser } = await import("mailparser");
  const mail = await simpleParser(input, {
    checksumAlgo: "sha256",
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
  });
  for (const [, value] of mail.headers) tally.headerChars += String(value).length;
  tally.textChars += (mail.text?.length ?? 0) +
    (typeof mail.html === "string" ? mail.html.length : 0);
  for (const file of mail.attachments) {
    tally.attachments++;
    tally.attachmentBytes += file.content.length;
  }
}

async function parsePostalMime(input: Uint8Array, tally: Tally) {
  const { default: PostalMime } = await import("postal-mime");
  const email = await PostalMime.parse(input, { attachmentEncoding: "arraybuffer" });
  for (const header of email.headers) tally.headerChars += header.value.length;
  tally.textChars += (email.text?.length ?? 0) + (email.html?.length ?? 0);
  for (const file of email.attachments) {
    const content = new Uint8Array(file.content as ArrayBuffer);
    createHash("sha256").update(content).digest("hex");
    tally.attachments++;
    tally.attachmentBytes += content.length;
  }
}

function readAt(file: Deno.FsFile, offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  for (let got = 0; got < length;) {
    const n = file.readSync(bytes.subarray(got));
    if (n === null) throw new BenchError(`corpus ends early at ${offset + got}`);
    got += n;
  }
  return bytes;
}

async function parseTypical(contender: Contender, dir: string, tally: Tally): Promise<void> {
  const lengths: number[] = JSON.parse(await Deno.readTextFile(`${dir}/typical.json`));
  using file = await Deno.open(`${dir}/typical.bin`);
  let offset = 0;
  for (const length of lengths) {
    const bytes = readAt(file, offset, length);
    offset += length;
    if (contender === "postie") await parsePostie(bytes, tally);
    else if (contender === "postal-mime") await parsePostalMime(bytes, tally);
    else if (contender === "mailparser") {
      await parseMailparser(Buffer.from(bytes.buffer, 0, bytes.length), tally);
    }
  }
}

async function parseLarge(contender: Contender, dir: string, tally: Tally): Promise<void> {
  const path = `${dir}/large.eml`;
  if (contender === "postie") await parsePostie((await Deno.open(path)).readable, tally);
  else if (contender === "postal-mime") await parsePostalMime(await Deno.readFile(path), tally);
  else if (contender === "mailparser") await parseMailparser(createReadStream(path), tally);
  else {
    using file = await Deno.open(path);
    const buffer = new Uint8Array(64 * 1024);
    while (await file.read(buffer) !== null) tally.textChars += buffer[0];
  }
}

/** Child process: times `runs` passes over the load and prints one JSON line. */
async function runContender(contender: Contender, load: Load, dir: string, runs: number) {
  let tally: Tally = { attachments: 0, attachmentBytes: 0, textChars: 0, headerChars: 0 };
  const pass = async () => {
    tally = { attachments: 0, attachmentBytes: 0, textChars: 0, headerChars: 0 };
    await (load === "typical" ? parseTypical : parseLarge)(contender, dir, tally);
  };
  const m = await measure(contender, pass, { runs, warmup: 1 });
  const peakKiB = await peakRssKiB(Deno.pid);
  console.log(JSON.stringify({ medianMs: m.medianMs, samplesMs: m.samplesMs, peakKiB, tally }));
}

// ---- parent: corpus, children, tables -------------------------------------------------------

interface Result {
  medianMs: number;
  samplesMs: number[];
  peakKiB: number;
  tally: Tally;
}

async function spawnContender(contender: Contender, load: Load, dir: string): Promise<Result> {
  const args = ["run", "-A", new URL(import.meta.url).pathname, "--contender", contender];
  args.push("--load", load, "--dir", dir, "--runs", values.runs);
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), { args }).output();
  const text = new TextDecoder().decode(stdout).trim();
  if (!success) {
    throw new BenchError(`${contender} on ${load} failed: ${new TextDecoder().decode(stderr)}`);
  }
  return JSON.parse(text.split("\n").pop()!);
}

async function compare(load: Load, dir: string, bytes: number, title: string): Promise<string> {
  const results = new Map<Contender, Result>();
  for (const contender of CONTENDERS) {
    const result = await spawnContender(contender, load, dir);
    console.error(`${load} ${contender}: ${JSON.stringify(result)}`);
    results.set(contender, result);
  }
  const rate = (r: Result): number => bytes / 1e6 / (r.medianMs / 1000);
  const rows = (f: (r: Result) => number, unit: string): Row[] =>
    CONTENDERS.map((name) => ({ name, value: f(results.get(name)!), unit }));
  const runs = values.runs;
  return [
    printTable(`${title}: throughput (median of ${runs})`, rows(rate, "MB/s"), "mailparser"),
    printTable(`${title}: peak RSS`, rows((r) => r.peakKiB / 1024, "MiB"), "mailparser"),
    tallyLine(results),
  ].join("\n");
}

/** One line saying what each contender decoded, so a reader sees they did the same work. */
function tallyLine(results: Map<Contender, Result>): string {
  const parts = CONTENDERS.filter((c) => c !== "read input only").map((c) => {
    const t = results.get(c)!.tally;
    const mb = (t.attachmentBytes / 1e6).toFixed(1);
    return `${c} ${t.attachments} attachments, ${mb} MB decoded, ${t.textChars} text chars`;
  });
  const line = `Decoded per pass: ${parts.join("; ")}.\n`;
  console.log(line);
  return line;
}

async function main(): Promise<void> {
  const dir = values.dir ?? await Deno.makeTempDir({ prefix: "postie-parse-bench-" });
  try {
    const seed = Number(values.seed);
    const messages = Number(values.messages);
    const typicalBytes = await writeTypical(dir, messages, seed);
    const largeBytes = await writeLarge(dir, Number(values["large-mb"]), seed);
    const typicalMB = (typicalBytes / 1e6).toFixed(0);
    const sections = [
      await compare(
        "typical",
        dir,
        typicalBytes,
        `${messages} messages of 5–50 kB (${typicalMB} MB)`,
      ),
      await compare("large", dir, largeBytes, `one ${(largeBytes / 1e6).toFixed(0)} MB message`),
    ];
    if (values.record) {
      await appendResults("parse: lib/message vs mailparser and postal-mime", sections.join("\n"));
    }
  } finally {
    if (!values.dir) await Deno.remove(dir, { recursive: true });
  }
}

if (values.contender) {
  const contender = values.contender as Contender;
  if (!CONTENDERS.includes(contender)) throw new BenchError(`unknown contender ${contender}`);
  await runContender(contender, values.load as Load, values.dir!, Number(values.runs));
} else {
  await main();
}
