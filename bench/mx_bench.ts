/**
 * `postie mx --file` over N domains of a dnsmasq zone (each with two MX, their addresses, SPF
 * and DMARC), beside `dig -f` (dig's batch mode) asking the same questions (MX, A and AAAA of
 * both exchanges, TXT, _dmarc TXT) and beside a shell loop of `dig +short`, what users type by
 * hand. The loop runs over the first `--loop` domains only and its time is extrapolated to N.
 * postie runs with the V8 flags `deno task postie` and the compiled binary use. dig and postie
 * take turns, round after round, so a busy machine slows both alike; the questions each side
 * asked are counted by dnsmasq itself (its statistics, on SIGUSR1).
 *
 * Run: `deno run -A bench/mx_bench.ts [--domains 1000] [--loop 100] [--runs 5] [--record]`
 *
 * Memory mode, `--memory-domains N`: one `postie mx --file --json` over N lines cycling through
 * the `--domains` names of the zone (dnsmasq takes ~9 minutes to load a 100,000-domain zone and
 * then ~60 ms a question, as it scans its record lists), its VmRSS sampled every 200 ms and the
 * peak reported at 1,000, 2,000, 5,000, 10,000… NDJSON lines.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { diagnose, Resolver } from "../lib/dns/mod.ts";
import { peerPath, startDnsmasq } from "../tests/peers.ts";
import { appendResults, BenchError, median, printTable, type Row } from "./harness.ts";

const { values } = parseArgs({
  options: {
    domains: { type: "string", default: "1000" },
    loop: { type: "string", default: "100" },
    runs: { type: "string", default: "5" },
    record: { type: "boolean", default: false },
    "memory-domains": { type: "string" },
  },
});
const N = Number(values.domains);
const LOOP = Math.min(Number(values.loop), N);
const RUNS = Number(values.runs);
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;
/** As `deno task postie` and `deno task compile` run postie (deno.json). */
const POSTIE = [Deno.execPath(), "run", "-A", "--v8-flags=--max-semi-space-size=4", MAIN, "mx"];
const DIG = peerPath("dig");
if (!DIG) throw new BenchError("dig missing (Debian package bind9-dnsutils)");

const domains = Array.from({ length: N }, (_, i) => `d${i}.bench.test`);
const records = domains.flatMap((d, i) => [
  `--mx-host=${d},mx1.${d},10`,
  `--mx-host=${d},mx2.${d},20`,
  `--host-record=mx1.${d},127.0.${i >> 8}.${i & 255}`,
  `--host-record=mx2.${d},127.1.${i >> 8}.${i & 255}`,
  `--txt-record=${d},v=spf1 mx -all`,
  `--txt-record=_dmarc.${d},v=DMARC1; p=reject; rua=mailto:d@${d}`,
]);
const questions = (d: string) => [
  `${d} MX`,
  `mx1.${d} A`,
  `mx1.${d} AAAA`,
  `mx2.${d} A`,
  `mx2.${d} AAAA`,
  `${d} TXT`,
  `_dmarc.${d} TXT`,
];

/** A contender: a name and one run of it. */
interface Contender {
  name: string;
  run: () => Promise<void>;
}

/** Runs each contender once per round, in turn, `rounds` times: the median seconds of each. */
async function takeTurns(contenders: Contender[], rounds: number): Promise<Row[]> {
  const samples = contenders.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, contender] of contenders.entries()) {
      const started = performance.now();
      await contender.run();
      samples[i].push((performance.now() - started) / 1000);
    }
  }
  return contenders.map((c, i) => ({ name: c.name, value: median(samples[i]), unit: "s" }));
}

/**
 * Runs postie with `args`, counting its NDJSON lines and sampling VmRSS every 200 ms; a row with
 * the peak RSS so far at 1,000, 2,000, 5,000, 10,000… lines, and one with the total time.
 */
async function sampleRss(args: string[], lines: number): Promise<Row[]> {
  const start = performance.now();
  const [cmd, ...rest] = args;
  const child = new Deno.Command(cmd, { args: rest, stdout: "piped", stderr: "null" }).spawn();
  const marks = [1, 2, 5].flatMap((m) => [1e3, 1e4, 1e5, 1e6].map((p) => m * p))
    .sort((a, b) => a - b).filter((m) => m <= lines);
  let done = 0, peak = 0;
  const rows: Row[] = [];
  const sample = async () => {
    const status = await Deno.readTextFile(`/proc/${child.pid}/status`).catch(() => "");
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kib);
    while (marks.length > 0 && marks[0] <= done) {
      const mark = marks.shift()!;
      const seconds = ((performance.now() - start) / 1000).toFixed(0);
      rows.push({
        name: `peak RSS after ${mark} domains (${seconds} s)`,
        value: peak / 1024,
        unit: "MiB",
      });
    }
  };
  const timer = setInterval(sample, 200);
  for await (const chunk of child.stdout) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) done++;
  }
  clearInterval(timer);
  await child.status;
  if (done < lines) throw new BenchError(`postie: ${done} lines, expected ${lines}`);
  rows.push({ name: `peak RSS at the end (${done} domains)`, value: peak / 1024, unit: "MiB" });
  rows.push({ name: "total time", value: (performance.now() - start) / 1000, unit: "s" });
  return rows;
}

const dir = await Deno.makeTempDir({ prefix: "postie-mx-bench-" });
const log = `${dir}/dnsmasq.log`;
const dns = await startDnsmasq([...records, `--log-facility=${log}`]);

/** The questions dnsmasq has answered so far, from the statistics it logs on SIGUSR1. */
async function answered(): Promise<number> {
  const before = (await Deno.readTextFile(log)).length;
  Deno.kill(dns.pid, "SIGUSR1");
  for (let wait = 0; wait < 50; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const text = (await Deno.readTextFile(log)).slice(before);
    const match = /queries forwarded \d+, queries answered locally (\d+)/.exec(text);
    if (match) return Number(match[1]);
  }
  throw new BenchError("dnsmasq logged no statistics after SIGUSR1");
}

/** The questions one run of `contender` asks dnsmasq. */
async function questionsOf(contender: Contender): Promise<Row> {
  const before = await answered();
  await contender.run();
  return { name: contender.name, value: (await answered()) - before, unit: "questions" };
}

try {
  const list = `${dir}/domains.txt`;
  const batch = `${dir}/dig-batch.txt`;
  await Deno.writeTextFile(list, domains.join("\n") + "\n");
  await Deno.writeTextFile(batch, domains.flatMap(questions).join("\n") + "\n");
  const server = ["@127.0.0.1", "-p", String(dns.port)];
  const run = async ([cmd, ...args]: string[], expectLines: number) => {
    const out = await new Deno.Command(cmd, { args, stdin: "null", stderr: "null" }).output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n").length;
    if (lines < expectLines) {
      throw new BenchError(`${cmd}: ${lines} lines, expected ${expectLines}`);
    }
  };
  const resolverFlag = ["--resolver", `127.0.0.1:${dns.port}`];
  if (values["memory-domains"]) {
    const lines = Number(values["memory-domains"]);
    const cycled = `${dir}/cycled.txt`;
    await Deno.writeTextFile(
      cycled,
      Array.from({ length: lines }, (_, i) => domains[i % N]).join("\n") + "\n",
    );
    const rows = await sampleRss([...POSTIE, ...resolverFlag, "--json", "--file", cycled], lines);
    const table = printTable(
      `postie mx --file --json: RSS over ${lines} lines of ${N} zone domains`,
      rows,
    );
    if (values.record) await appendResults(`mx memory: ${lines} domains`, table);
  } else {
    const dig: Contender = {
      name: `dig -f (${N * 7} questions, asks only)`,
      run: () => run([DIG, ...server, "+short", "-f", batch], N * 5),
    };
    const postie: Contender = {
      name: `postie mx --file --json (${N} domains, full diagnosis)`,
      run: () => run([...POSTIE, ...resolverFlag, "--json", "--file", list], N),
    };
    const startup: Contender = {
      name: "postie mx --help (start-up only)",
      run: () => run([...POSTIE, "--help"], 1),
    };
    const library: Contender = {
      name: `lib/dns diagnose() in process (${N} domains)`,
      run: async () => {
        const resolver = new Resolver({ nameServer: dns.nameServer });
        const queue = [...domains];
        const worker = async () => {
          for (let d = queue.pop(); d; d = queue.pop()) {
            const result = await diagnose(resolver, { ascii: d, unicode: d });
            if (result.route.hosts.length !== 2) throw new BenchError(`${d}: ${result.route.kind}`);
          }
        };
        await Promise.all(Array.from({ length: 50 }, worker));
        resolver.close();
      },
    };
    // The counted runs warm the page cache and dnsmasq before the timed rounds
    const asked = [await questionsOf(dig), await questionsOf(postie), await questionsOf(library)];
    const timed = await takeTurns([dig, postie, library, startup], RUNS);
    const script = `for d in $(head -n ${LOOP} ${list}); do for q in "$d MX" "mx1.$d A" ` +
      `"mx1.$d AAAA" "mx2.$d A" "mx2.$d AAAA" "$d TXT" "_dmarc.$d TXT"; do ` +
      `${DIG} ${server.join(" ")} +short $q; done; done`;
    const [loop] = await takeTurns([{
      name: `shell loop of dig +short, ${LOOP} domains × ${N / LOOP} (extrapolated)`,
      run: () => run(["bash", "-c", script], LOOP * 5),
    }], 1);
    const seconds = printTable(
      `postie mx: ${N} domains against dnsmasq (medians of ${RUNS} rounds, taking turns)`,
      [...timed, { ...loop, value: loop.value * (N / LOOP) }],
    );
    const questionsTable = printTable(`Questions dnsmasq answered, one run each`, asked);
    if (values.record) await appendResults(`mx: ${N} domains`, `${seconds}\n${questionsTable}`);
  }
} finally {
  await dns.stop();
  await Deno.remove(dir, { recursive: true });
}
