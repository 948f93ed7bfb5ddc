/**
 * `postie send --count N --concurrency C` (load mode) against Postfix's smtp-sink, beside
 * Postfix's smtp-source on the same load in one run: N messages of about 2 kB over 20
 * connections, smtp-source both as it runs by default (one connection per message) and with
 * `-d` (connections reused, as load mode does). swaks, one process per message, runs a
 * smaller count in a shell-style loop and is scaled by its rate. Rates are wall-clock, process
 * start included, medians of the rounds; then postie's peak RSS over the run.
 *
 * Run: `deno run -A bench/send_bench.ts [--rounds 3] [--messages 20000] [--swaks 40] [--record]`
 */
import { parseArgs } from "node:util";
import { startSmtpSink } from "../tests/peers.ts";
import { appendResults, BenchError, median, peakRssKiB, printTable, type Row } from "./harness.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    messages: { type: "string", default: "20000" },
    swaks: { type: "string", default: "40" },
    record: { type: "boolean", default: false },
  },
});
const ROUNDS = Number(values.rounds);
const MESSAGES = Number(values.messages);
const SWAKS_MESSAGES = Number(values.swaks);
const SESSIONS = 20;
const SIZE = 2000;
/** No single contender run may take longer than this. */
const RUN_LIMIT_MS = 120_000;
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;
const FROM = "bench@client.test";
const TO = "bench@sink.test";

/** A message of SIZE octets: a few header fields, then 78-column lines. */
function message(): string {
  const head =
    `From: ${FROM}\r\nTo: ${TO}\r\nSubject: bench {n}\r\nMessage-ID: <{uuid}@client.test>\r\n\r\n`;
  const line = "La-la-la ".repeat(8).slice(0, 76) + "\r\n";
  return head + line.repeat(Math.ceil((SIZE - head.length) / line.length));
}

/** Runs a command to its end (killed past RUN_LIMIT_MS); returns seconds, throws on failure. */
async function timed(command: string, args: string[], onStart?: (pid: number) => void) {
  const started = performance.now();
  const child = new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).spawn();
  onStart?.(child.pid);
  const limit = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
  const output = await child.output();
  clearTimeout(limit);
  const seconds = (performance.now() - started) / 1000;
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr).slice(0, 500);
    throw new BenchError(`${command} ${args.slice(0, 3).join(" ")}… failed: ${text}`);
  }
  return seconds;
}

function smtpSource(port: number, count: number, reuse: boolean): Promise<number> {
  const args = ["-m", String(count), "-s", String(SESSIONS), "-l", String(SIZE)];
  return timed("smtp-source", [
    ...(reuse ? ["-d"] : []),
    ...args,
    ...["-f", FROM, "-t", TO, `127.0.0.1:${port}`],
  ]);
}

/** postie load mode; samples its peak RSS while it runs. */
async function postie(port: number, file: string, count: number, rss: number[]) {
  let sampler: ReturnType<typeof setInterval> | undefined;
  const sample = (pid: number) => peakRssKiB(pid).then((kib) => rss.push(kib), () => {});
  const seconds = await timed(Deno.execPath(), [
    ...["run", "-A", "--v8-flags=--max-semi-space-size=4", MAIN, "send"],
    ...["--server", `127.0.0.1:${port}`, "--envelope-from", FROM, "--to", TO, "--data", file],
    ...["--count", String(count), "--concurrency", String(SESSIONS), "--json"],
  ], (pid) => sampler = setInterval(() => sample(pid), 50));
  clearInterval(sampler);
  return seconds;
}

/** swaks once per message, one after another, as a shell loop would run it. */
async function swaksLoop(port: number, file: string, count: number): Promise<number> {
  let seconds = 0;
  for (let i = 0; i < count; i++) {
    seconds += await timed("swaks", [
      ...["--server", `127.0.0.1:${port}`, "--from", FROM, "--to", TO],
      ...["--data", file, "--silent", "2"],
    ]);
  }
  return seconds;
}

const sink = await startSmtpSink();
const file = await Deno.makeTempFile({ suffix: ".eml" });
await Deno.writeTextFile(file, message());
const rates = new Map<string, number[]>();
const add = (name: string, rate: number) => rates.set(name, [...(rates.get(name) ?? []), rate]);
const rss: number[] = [];
const names = {
  source: `smtp-source -s ${SESSIONS} (a connection per message)`,
  sourceReuse: `smtp-source -d -s ${SESSIONS} (connections reused)`,
  postie: `postie send --count --concurrency ${SESSIONS}`,
  swaks: `swaks in a loop (${SWAKS_MESSAGES} messages, scaled)`,
};
try {
  await smtpSource(sink.port, 1000, true); // warm the machine up
  await postie(sink.port, file, 1000, []);
  for (let round = 0; round < ROUNDS; round++) {
    add(names.source, MESSAGES / await smtpSource(sink.port, MESSAGES, false));
    add(names.sourceReuse, MESSAGES / await smtpSource(sink.port, MESSAGES, true));
    add(names.postie, MESSAGES / await postie(sink.port, file, MESSAGES, rss));
    add(names.swaks, SWAKS_MESSAGES / await swaksLoop(sink.port, file, SWAKS_MESSAGES));
  }
} finally {
  await sink.stop();
  await Deno.remove(file);
}
const rows: Row[] = [...rates].map(([name, list]) => ({
  name,
  value: median(list),
  unit: "msg/s",
}));
const table = printTable(
  `${MESSAGES} messages of ${SIZE} octets into smtp-sink, ${SESSIONS} connections, ` +
    `median of ${ROUNDS}`,
  rows,
  names.sourceReuse,
);
const rate = (name: string) => rows.find((r) => r.name === name)!.value;
const lines = [
  `postie/smtp-source -d ${(rate(names.postie) / rate(names.sourceReuse)).toFixed(2)}×, ` +
  `postie/smtp-source ${(rate(names.postie) / rate(names.source)).toFixed(2)}×, ` +
  `postie/swaks ${(rate(names.postie) / rate(names.swaks)).toFixed(0)}×`,
  `postie peak RSS over ${MESSAGES} messages: ${(Math.max(...rss) / 1024).toFixed(0)} MiB`,
];
console.log(lines.join("\n"));
if (values.record) {
  await appendResults("send: load mode against smtp-sink", `${table}\n${lines.join("\n")}\n`);
}
