/**
 * lib/trace against Python's email package, in one run: messages per second over a Maildir of
 * 10,000 generated messages (3–8 Received fields each, in the Postfix, Exim, Sendmail, qmail,
 * Exchange, Gmail, Amazon SES, Haraka and postie forms of tests/fixtures/trace, with Date,
 * From, Message-ID and Authentication-Results; seeded), and over a Maildir written by
 * `postie serve` from Postfix's smtp-source (one Received each, postie's own).
 *
 * postie reads each file and runs `traceMessage` on it in-process (hops, delays, findings:
 * more work than Python does). Python (`/usr/bin/python3`, compat32 policy) reads each file
 * with `email.parser.BytesHeaderParser` (header only) and, in a second row, with
 * `email.message_from_binary_file` (whole message), and takes `get_all("Received")`. Both
 * count Received fields per message; the totals and per-message counts must agree. A third
 * postie row runs `postie trace --json FILE` as one process per file over a sample: a
 * per-process figure, start-up included.
 *
 * Run: `deno run -A bench/trace_bench.ts [--messages 10000] [--serve-messages 10000]
 * [--runs 5] [--cli-sample 200] [--seed 7] [--record]`
 */
import { parseArgs } from "node:util";
import { readHeaderFields, traceMessage } from "../lib/trace/mod.ts";
import { startServe } from "../tests/e2e/serve_process.ts";
import {
  appendResults,
  BenchError,
  measure,
  printTable,
  type Row,
  seededRandom as random,
} from "./harness.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    "serve-messages": { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    "cli-sample": { type: "string", default: "200" },
    seed: { type: "string", default: "7" },
    record: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;
const encoder = new TextEncoder();

// ---- deterministic corpus -------------------------------------------------------------------

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** An RFC 5322 date-time of `ms` in UTC (`+0000`), or with the day name left out. */
function rfcDate(ms: number, dayName = true): string {
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time}`;
  return dayName ? `${DAYS[d.getUTCDay()]}, ${day} +0000` : day;
}

type Form = (rand: () => number, from: string, by: string, ms: number) => string;
const ip = (rand: () => number) => `203.0.113.${1 + Math.floor(rand() * 250)}`;
const id = (rand: () => number) => Math.floor(rand() * 2 ** 40).toString(36).toUpperCase();

/** Received forms after tests/fixtures/trace/*.eml, folded as each MTA folds them. */
const FORMS: Form[] = [
  (r, from, by, ms) =>
    `Received: from ${from} (${from} [${ip(r)}])\r\n` +
    `\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n` +
    `\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n` +
    `\t(No client certificate requested)\r\n` +
    `\tby ${by} (Postfix) with ESMTPS id ${id(r)}\r\n` +
    `\tfor <bob@example.org>; ${rfcDate(ms)} (UTC)\r\n`,
  (r, from, by, ms) =>
    `Received: from ${from} ([${ip(r)}]:${40000 + Math.floor(r() * 9999)} helo=${from})\r\n` +
    `\tby ${by} with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n` +
    `\t(Exim 4.96)\r\n\t(envelope-from <news@example.net>)\r\n` +
    `\tid 1tDq9h-${id(r)}\r\n\tfor bob@example.org; ${rfcDate(ms)}\r\n`,
  (r, from, by, ms) =>
    `Received: from ${from} (${from} [${ip(r)}])\r\n` +
    `\tby ${by} (8.17.1/8.17.1) with ESMTPS id ${id(r)}\r\n` +
    `\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)\r\n` +
    `\tfor <dave@example.org>; ${rfcDate(ms)}\r\n`,
  (r, from, by, ms) =>
    `Received: from unknown (HELO ${from}) (${ip(r)})\r\n` +
    `  by ${by} with SMTP; ${rfcDate(ms, false)} -0000\r\n`,
  (r, from, by, ms) =>
    `Received: from ${from} (${ip(r)}) by\r\n ${by} (10.167.245.12) with Microsoft SMTP\r\n` +
    ` Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n` +
    ` 15.20.7633.12 via Frontend Transport; ${rfcDate(ms)}\r\n`,
  (r, from, by, ms) =>
    `Received: from ${from} (${from}. [${ip(r)}])\r\n` +
    `        by ${by} with SMTPS id ${id(r).toLowerCase()}sor${id(r)}\r\n` +
    `        for <erin@gmail.com>\r\n        (Google Transport Security);\r\n` +
    `        ${rfcDate(ms)}\r\n`,
  (r, from, by, ms) =>
    `Received: from ${from} (${from} [${ip(r)}])\r\n` +
    ` by ${by} with SMTP id ${id(r).toLowerCase()}\r\n for <frank@example.org>;\r\n` +
    ` ${rfcDate(ms)}\r\n`,
  (r, from, by, ms) =>
    `Received: from ${from} (${from} [${ip(r)}])\r\n` +
    `\tby ${by} (Haraka/3.0.3) with ESMTPS id ${id(r)}.1\r\n` +
    `\tenvelope-from <g@example.net>\r\n` +
    `\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384);\r\n\t${rfcDate(ms)}\r\n`,
  (r, from, by, ms) =>
    `Received: from ${from} (${from} [${ip(r)}])\r\n` +
    `\tby ${by} (postie) with ESMTP id ${id(r)}\r\n\tfor <b@y.test>; ${rfcDate(ms)}\r\n`,
];

/** One message with 3–8 Received fields, top (last hop) first, and a short body. */
function generatedMessage(rand: () => number, n: number): { text: string; received: number } {
  const hops = 3 + Math.floor(rand() * 6);
  const hosts = Array.from({ length: hops + 1 }, (_, i) => `h${i}-${n % 97}.relay${i}.example`);
  let ms = Date.UTC(2026, 10, 1) + Math.floor(rand() * 20 * 86400) * 1000;
  const dateField = `Date: ${rfcDate(ms)}\r\n`;
  const received: string[] = [];
  for (let i = 0; i < hops; i++) {
    ms += Math.floor(rand() * 90_000);
    received.unshift(FORMS[Math.floor(rand() * FORMS.length)](rand, hosts[i], hosts[i + 1], ms));
  }
  const auth = `Authentication-Results: ${hosts[hops]}; dkim=pass header.d=example.net;\r\n` +
    `\tspf=pass smtp.mailfrom=example.net; dmarc=pass header.from=example.net\r\n`;
  const text = `Return-Path: <n${n}@example.net>\r\n${received[0]}${auth}` +
    received.slice(1).join("") + dateField + `From: Sender ${n} <n${n}@example.net>\r\n` +
    `To: bob@example.org\r\nSubject: message ${n}\r\nMessage-ID: <${n}.${
      id(rand)
    }@example.net>\r\n` +
    `\r\n${"Body line of the message, as text.\r\n".repeat(5 + Math.floor(rand() * 40))}`;
  return { text, received: hops };
}

/** Writes `count` generated messages into `<dir>/new` and returns their paths. */
async function writeGenerated(dir: string, count: number, seed: number): Promise<string[]> {
  await Deno.mkdir(`${dir}/new`, { recursive: true });
  const rand = random(seed);
  const paths: string[] = [];
  for (let n = 0; n < count; n++) {
    const path = `${dir}/new/${1795000000 + n}.M${n}P1.bench`;
    await Deno.writeFile(path, encoder.encode(generatedMessage(rand, n).text));
    paths.push(path);
  }
  return paths;
}

/** Has `postie serve` receive `count` smtp-source messages; returns the delivered paths. */
async function writeServed(count: number): Promise<{ paths: string[]; dataDir: string }> {
  const serve = await startServe();
  try {
    const { success, stderr } = await new Deno.Command("smtp-source", {
      args: ["-m", String(count), "-s", "20", "-l", "2000", "-t", "b@y.test"]
        .concat(`127.0.0.1:${serve.port}`),
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) throw new BenchError(`smtp-source: ${new TextDecoder().decode(stderr)}`);
    const names = await serve.waitForDelivered(count, 60_000);
    return { paths: names.map((name) => `${serve.newDir}/${name}`), dataDir: serve.dataDir };
  } finally {
    await serve.stop();
  }
}

// ---- contenders -----------------------------------------------------------------------------

/** What postie found in a pass: Received fields per file, and hops with a `by` and a time. */
interface PostieTally {
  counts: number[];
  complete: number;
}

/** Reads and traces every file. */
function tracePostie(paths: string[]): PostieTally {
  const tally: PostieTally = { counts: [], complete: 0 };
  for (const path of paths) {
    const { hops } = traceMessage(Deno.readFileSync(path));
    tally.counts.push(hops.length);
    tally.complete += hops.filter((hop) => hop.received.by && hop.received.time).length;
  }
  return tally;
}

/** Reads every file's header fields and counts the Received ones: Python's work, no parsing. */
function extractPostie(paths: string[]): number[] {
  return paths.map((path) =>
    readHeaderFields(Deno.readFileSync(path), [])
      .filter((field) => field.name.toLowerCase() === "received").length
  );
}

const PYTHON = `
import email, email.parser, json, sys, time
mode, runs = sys.argv[1], int(sys.argv[2])
paths = sys.stdin.read().split("\\n")
header = email.parser.BytesHeaderParser()
def parse(f):
    return header.parse(f) if mode == "header" else email.message_from_binary_file(f)
def pass_():
    counts = []
    for path in paths:
        with open(path, "rb") as f:
            counts.append(len(parse(f).get_all("Received") or []))
    return counts
pass_()
samples = []
for _ in range(runs):
    started = time.perf_counter()
    counts = pass_()
    samples.append((time.perf_counter() - started) * 1000)
print(json.dumps({"samplesMs": samples, "counts": counts}))
`;

interface PythonResult {
  samplesMs: number[];
  counts: number[];
}

/** Runs the inline Python script over `paths` (1 warm-up, `runs` timed passes). */
async function tracePython(paths: string[], mode: "header" | "whole"): Promise<PythonResult> {
  const child = new Deno.Command("/usr/bin/python3", {
    args: ["-c", PYTHON, mode, String(runs)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(encoder.encode(paths.join("\n")));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) throw new BenchError(`python3: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** `postie trace --json FILE`, one process per file, over `sample`; returns messages/s. */
async function cliRate(sample: string[]): Promise<number> {
  const started = performance.now();
  for (const path of sample) {
    const { success, stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--max-semi-space-size=4", MAIN, "trace", "--json", path],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!success && stdout.length === 0) throw new BenchError(`postie trace failed on ${path}`);
  }
  return sample.length / ((performance.now() - started) / 1000);
}

// ---- comparison -----------------------------------------------------------------------------

const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1];

/** Times every contender over `paths` and returns the table and the count check. */
async function compare(title: string, paths: string[], cli: boolean): Promise<string> {
  let tally: PostieTally = { counts: [], complete: 0 };
  const postie = await measure("postie traceMessage", () => {
    tally = tracePostie(paths);
  }, { runs });
  let extracted: number[] = [];
  const fieldsOnly = await measure("postie readHeaderFields", () => {
    extracted = extractPostie(paths);
  }, { runs });
  const header = await tracePython(paths, "header");
  const whole = await tracePython(paths, "whole");
  const rate = (ms: number) => paths.length / (ms / 1000);
  const rows: Row[] = [
    { name: "Python BytesHeaderParser", value: rate(median(header.samplesMs)), unit: "msg/s" },
    {
      name: "Python message_from_binary_file",
      value: rate(median(whole.samplesMs)),
      unit: "msg/s",
    },
    { name: "postie readHeaderFields only", value: rate(fieldsOnly.medianMs), unit: "msg/s" },
    { name: "postie traceMessage (in-process)", value: rate(postie.medianMs), unit: "msg/s" },
  ];
  if (cli) {
    const sample = paths.filter((_, i) => i % Math.ceil(paths.length / 200) === 0);
    const rate = await cliRate(sample.slice(0, Number(values["cli-sample"])));
    rows.push({ name: "postie trace --json (a process per file)", value: rate, unit: "msg/s" });
  }
  const table = printTable(`${title}, median of ${runs}`, rows, "Python BytesHeaderParser");
  const differing = tally.counts.filter((n, i) => n !== header.counts[i]).length;
  const check = `Received fields found: postie traceMessage ${sum(tally.counts)} ` +
    `(${tally.complete} hops with a by and a time), readHeaderFields ${sum(extracted)}, ` +
    `Python header parser ${sum(header.counts)}, Python whole message ${sum(whole.counts)}; ` +
    `messages whose counts differ between traceMessage and Python: ${differing}.\n`;
  console.log(check);
  return `${table}\n${check}`;
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "postie-trace-bench-" });
  const messages = Number(values.messages);
  const served = Number(values["serve-messages"]);
  let servedDir: string | undefined;
  try {
    const generated = await writeGenerated(dir, messages, Number(values.seed));
    const sections = [
      await compare(`${messages} generated messages, 3–8 Received each`, generated, true),
    ];
    if (served > 0) {
      const { paths, dataDir } = await writeServed(served);
      servedDir = dataDir;
      sections.push(await compare(`${served} messages written by postie serve`, paths, false));
    }
    if (values.record) {
      await appendResults("trace: lib/trace vs Python's email package", sections.join("\n"));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    if (servedDir) await Deno.remove(servedDir, { recursive: true });
  }
}

await main();
