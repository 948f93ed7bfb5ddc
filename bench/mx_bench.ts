/**
 * `postie mx --file` over N domains of a dnsmasq zone (each with two MX, their addresses, SPF
 * and DMARC), beside `dig -f` (dig's batch mode) asking the same questions (MX, A and AAAA of
 * both exchanges, TXT, _dmarc TXT) and beside a shell loop of `dig +short`, what users type by
 * hand. The loop runs over the first `--loop` domains only and its time is extrapolated to N.
 *
 * Run: `deno run -A bench/mx_bench.ts [--domains 1000] [--loop 100] [--runs 5] [--record]`
 *
 * Memory mode, `--memory-domains N`: one `postie mx --file --json` over N lines cycling through
 * the `--domains` names of the zone (dnsmasq takes ~9 minutes to load a 100,000-domain zone and
 * then ~60 ms a question, as it scans its record lists), its VmRSS sampled every 200 ms and the
 * peak reported when 1,000, 10,000, 100,000… NDJSON lines are out.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { diagnose, Resolver } from "../lib/dns/mod.ts";
import { peerPath, startDnsmasq } from "../tests/peers.ts";
import { appendResults, BenchError, measure, printTable, type Row } from "./harness.ts";

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

/**
 * Runs postie with `args`, counting its NDJSON lines and sampling VmRSS every 200 ms; one row
 * per power of ten from 1,000 lines with the peak RSS so far, and one with the total time.
 */
async function sampleRss(args: string[], lines: number): Promise<Row[]> {
  const start = performance.now();
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "null" })
    .spawn();
  let done = 0, peak = 0, mark = 1000;
  const rows: Row[] = [];
  const sample = async () => {
    const status = await Deno.readTextFile(`/proc/${child.pid}/status`).catch(() => "");
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kib);
    for (; mark <= done; mark *= 10) {
      rows.push({ name: `peak RSS after ${mark} domains`, value: peak / 1024, unit: "MiB" });
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

const dns = await startDnsmasq(records);
const dir = await Deno.makeTempDir({ prefix: "postie-mx-bench-" });
try {
  const list = `${dir}/domains.txt`;
  const batch = `${dir}/dig-batch.txt`;
  await Deno.writeTextFile(list, domains.join("\n") + "\n");
  await Deno.writeTextFile(batch, domains.flatMap(questions).join("\n") + "\n");
  const server = ["@127.0.0.1", "-p", String(dns.port)];
  const run = async (cmd: string, args: string[], expectLines: number) => {
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
    const args = ["run", "-A", MAIN, "mx", ...resolverFlag, "--json", "--file", cycled];
    const rows = await sampleRss(args, lines);
    const table = printTable(
      `postie mx --file --json: RSS over ${lines} lines of ${N} zone domains`,
      rows,
    );
    if (values.record) await appendResults(`mx memory: ${lines} domains`, table);
  } else {
    const postie = await measure(
      `postie mx --file --json (${N} domains, full diagnosis)`,
      () =>
        run(
          Deno.execPath(),
          ["run", "-A", MAIN, "mx", ...resolverFlag, "--json", "--file", list],
          N,
        ),
      {
        runs: RUNS,
      },
    );
    const library = await measure(`lib/dns diagnose() in process (${N} domains)`, async () => {
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
    }, { runs: RUNS });
    const digBatch = await measure(
      `dig -f (${N * 7} questions, asks only)`,
      () => run(DIG, [...server, "+short", "-f", batch], N * 5),
      { runs: RUNS },
    );
    const script = `for d in $(head -n ${LOOP} ${list}); do for q in "$d MX" "mx1.$d A" ` +
      `"mx1.$d AAAA" "mx2.$d A" "mx2.$d AAAA" "$d TXT" "_dmarc.$d TXT"; do ` +
      `${DIG} ${server.join(" ")} +short $q; done; done`;
    const loop = await measure(
      `shell loop of dig +short (${LOOP} domains)`,
      () => run("bash", ["-c", script], LOOP * 5),
      { runs: 1, warmup: 0 },
    );
    const seconds = (ms: number) => ms / 1000;
    const rows: Row[] = [
      { name: digBatch.name, value: seconds(digBatch.medianMs), unit: "s" },
      { name: postie.name, value: seconds(postie.medianMs), unit: "s" },
      { name: library.name, value: seconds(library.medianMs), unit: "s" },
      {
        name: `shell loop of dig +short, ${LOOP} domains × ${N / LOOP} (extrapolated)`,
        value: seconds(loop.medianMs) * (N / LOOP),
        unit: "s",
      },
    ];
    const table = printTable(`postie mx: ${N} domains against dnsmasq (medians of ${RUNS})`, rows);
    if (values.record) await appendResults(`mx: ${N} domains`, table);
  }
} finally {
  await dns.stop();
  await Deno.remove(dir, { recursive: true });
}
