/**
 * Shared helpers for side-by-side benchmarks: timing with medians, a markdown table with
 * ratios against a baseline row, peak RSS of a process, and appending dated results with
 * the machine's description to bench/RESULTS.md.
 *
 * @module
 */

/** One figure of one contender, a row of {@linkcode printTable}. */
export interface Row {
  /** Contender, e.g. "postie serve" or "Postfix (private instance)". */
  name: string;
  /** The figure, e.g. a median. */
  value: number;
  /** Its unit, e.g. "msg/s", "MB/s", "ms". */
  unit: string;
}

/** What {@linkcode measure} found: a row whose value is the median in milliseconds. */
export interface Measurement extends Row {
  /** Median duration, ms (also `value`). */
  medianMs: number;
  /** Fastest run, ms. */
  minMs: number;
  /** Every run's duration, ms, in run order. */
  samplesMs: number[];
}

/** Options of {@linkcode measure}. */
export interface MeasureOptions {
  /** Timed runs; 5 by default. */
  runs?: number;
  /** Untimed runs first (JIT, page cache); 1 by default. */
  warmup?: number;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` times timed, one after another.
 *
 * @example
 * ```ts
 * const m = await measure("parse 10k messages", () => parseAll(corpus), { runs: 6 });
 * console.log(m.medianMs, m.minMs);
 * ```
 */
export async function measure(
  name: string,
  fn: () => unknown,
  opts: MeasureOptions = {},
): Promise<Measurement> {
  const { runs = 5, warmup = 1 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samplesMs.push(performance.now() - started);
  }
  const medianMs = median(samplesMs);
  return { name, value: medianMs, unit: "ms", medianMs, minMs: Math.min(...samplesMs), samplesMs };
}

/**
 * Prints `rows` as a markdown table under `title`, with each value's ratio to the row named
 * `baseline` (the first row if omitted), and returns the markdown for {@linkcode appendResults}.
 *
 * @example
 * ```ts
 * const md = printTable("2 kB messages", [
 *   { name: "Postfix", value: 1050, unit: "msg/s" },
 *   { name: "postie serve", value: 1400, unit: "msg/s" },
 * ], "Postfix");
 * // | postie serve | 1,400 msg/s | 1.33× |
 * ```
 */
export function printTable(title: string, rows: Row[], baseline?: string): string {
  const base = rows.find((r) => r.name === baseline) ?? rows[0];
  const lines = [
    `### ${title}`,
    "",
    `| contender | figure | ${base ? `vs ${base.name}` : "ratio"} |`,
    "| --- | ---: | ---: |",
    ...rows.map((r) => `| ${r.name} | ${formatFigure(r)} | ${formatRatio(r, base)} |`),
    "",
  ];
  const markdown = lines.join("\n");
  console.log(markdown);
  return markdown;
}

function formatFigure({ value, unit }: Row): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString("en-US", { maximumFractionDigits: digits });
  return `${text} ${unit}`;
}

function formatRatio(row: Row, base: Row | undefined): string {
  if (!base || base.unit !== row.unit || base.value === 0) return "";
  return `${(row.value / base.value).toFixed(2)}×`;
}

/**
 * Peak resident set size (VmHWM in /proc/PID/status) of a live process, in KiB. Read it
 * before the process exits: a finished process has no memory figures left.
 *
 * @example
 * ```ts
 * const kib = await peakRssKiB(child.pid);
 * console.log(`${(kib / 1024).toFixed(0)} MiB`);
 * ```
 */
export async function peakRssKiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new BenchError(`no VmHWM for pid ${pid}: has it exited?`);
  return Number(match[1]);
}

/** A benchmark could not measure what it was asked to. */
export class BenchError extends Error {
  /** Creates the error with a message saying what could not be measured. */
  constructor(message: string) {
    super(message);
    this.name = "BenchError";
  }
}

const RESULTS = new URL("./RESULTS.md", import.meta.url);

/** One line naming the machine: CPU count and model, kernel, Deno and V8 versions. */
export async function describeMachine(): Promise<string> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown CPU";
  const cpus = navigator.hardwareConcurrency;
  const { deno, v8 } = Deno.version;
  return `${cpus} × ${model}, Linux ${Deno.osRelease()}, Deno ${deno} (V8 ${v8})`;
}

/**
 * Appends `markdown` to bench/RESULTS.md under a dated `## section` heading and a line
 * describing the machine, creating the file if needed.
 *
 * @example
 * ```ts
 * await appendResults("parse: 10,000 messages", table);
 * ```
 */
export async function appendResults(section: string, markdown: string): Promise<void> {
  const exists = await Deno.stat(RESULTS).then(() => true, () => false);
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  const head = exists ? "" : "# Benchmark results\n\nAppended by `bench/*_bench.ts --record`.\n";
  const body =
    `\n## ${section} — ${date} UTC\n\nMachine: ${await describeMachine()}\n\n${markdown.trimEnd()}\n`;
  await Deno.writeTextFile(RESULTS, head + body, { append: true });
  console.error(`appended to ${RESULTS.pathname}`);
}

/**
 * A small seeded PRNG (mulberry32), uniform in [0, 1): benchmarks generate the same corpus
 * from the same seed, run after run.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
