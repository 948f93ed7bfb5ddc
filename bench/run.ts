/**
 * Runs benchmarks, each `bench/*_bench.ts` as its own `deno run -A` process so none warms up
 * or pollutes another. With arguments, runs only those: `serve`, `serve_bench.ts` and
 * `bench/serve_bench.ts` all name the same file. Arguments after `--` go to every benchmark
 * (e.g. `deno task bench serve -- --record`). Exits 1 if any benchmark failed.
 *
 * @module
 */

const BENCH_DIR = new URL(".", import.meta.url).pathname;
const SUFFIX = "_bench.ts";

/** Every benchmark file in bench/, sorted. */
async function allBenchmarks(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(BENCH_DIR)) {
    if (entry.isFile && entry.name.endsWith(SUFFIX)) names.push(entry.name);
  }
  return names.sort().map((name) => `${BENCH_DIR}${name}`);
}

/** The bench/ file a command-line name refers to. */
function benchmarkFile(name: string): string {
  const base = name.split("/").pop()!.replace(/\.ts$/, "").replace(/_bench$/, "");
  return `${BENCH_DIR}${base}${SUFFIX}`;
}

async function runBenchmark(file: string, args: string[]): Promise<boolean> {
  console.log(`\n=== ${file.slice(BENCH_DIR.length)} ===`);
  if (!(await Deno.stat(file).then((info) => info.isFile, () => false))) {
    console.log(`=== FAILED: no such benchmark ===`);
    return false;
  }
  const started = performance.now();
  const { success, code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", file, ...args],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`=== ${success ? "done" : `FAILED (exit ${code})`} in ${seconds} s ===`);
  return success;
}

async function main(argv: string[]): Promise<number> {
  const split = argv.indexOf("--");
  const names = split === -1 ? argv : argv.slice(0, split);
  const passThrough = split === -1 ? [] : argv.slice(split + 1);
  const files = names.length > 0 ? names.map(benchmarkFile) : await allBenchmarks();
  const failed: string[] = [];
  for (const file of files) {
    if (!(await runBenchmark(file, passThrough))) failed.push(file.slice(BENCH_DIR.length));
  }
  if (failed.length > 0) console.error(`failed: ${failed.join(", ")}`);
  return failed.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
