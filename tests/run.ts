/**
 * The test runner behind `deno task test`: makes sure the real peers are installed (or says
 * how), runs `deno test -A [args]` with its output streamed, and ends with one plain line,
 * `tests: N passed, N failed[, N skipped]`, exiting with deno test's code (1 if there was no
 * test at all).
 *
 * Usage: `deno run -A tests/run.ts [deno test args]`, e.g. `tests/e2e/ --filter smtp`.
 *
 * @module
 */

import { ensurePeers } from "./e2e/peers/install.ts";

/** Counts from deno test's summary line. */
export interface TestSummary {
  /** Tests that passed (a test with steps counts once). */
  passed: number;
  /** Tests that failed. */
  failed: number;
  /** Tests Deno reports as ignored (a peer missing outside CI). */
  ignored: number;
}

// deno test's summary: "ok | 12 passed (3 steps) | 0 failed | 1 ignored | 2 filtered out (1s)".
const SUMMARY = /^(?:ok|FAILED) \| (\d+) passed.*? \| (\d+) failed(?: \| (\d+) ignored)?/;
// ANSI SGR colour sequences, which deno test prints even into a pipe.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
// Enough trailing output to hold the summary line however much came before it.
const TAIL_CHARS = 64 * 1024;

/**
 * Parses the last deno test summary line in `output`, or returns undefined if there is none.
 *
 * @example
 * ```ts
 * parseSummary("FAILED | 3 passed | 1 failed | 2 ignored (9ms)");
 * // { passed: 3, failed: 1, ignored: 2 }
 * ```
 */
export function parseSummary(output: string): TestSummary | undefined {
  const lines = output.replace(ANSI, "").split("\n").reverse();
  for (const line of lines) {
    const match = SUMMARY.exec(line.trim());
    if (match) {
      const [passed, failed, ignored] = match.slice(1).map((n) => Number(n ?? 0));
      return { passed, failed, ignored };
    }
  }
  return undefined;
}

/** The final plain line CI greps for. */
export function formatSummary({ passed, failed, ignored }: TestSummary): string {
  return `tests: ${passed} passed, ${failed} failed${ignored > 0 ? `, ${ignored} skipped` : ""}`;
}

/** Runs deno test with `args`, copying its stdout through; returns its code and stdout's tail. */
async function denoTest(args: string[]): Promise<{ code: number; tail: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const decoder = new TextDecoder();
  let tail = "";
  for await (const chunk of child.stdout) {
    await echo(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-TAIL_CHARS);
  }
  return { code: (await child.status).code, tail };
}

async function echo(bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await Deno.stdout.write(bytes.subarray(off));
}

async function main(args: string[]): Promise<number> {
  const missing = await ensurePeers();
  if (missing.length > 0) {
    const consequence = Deno.env.get("CI") === "true" ? "fail (CI=true)" : "be skipped";
    console.error(`tests needing ${missing.join(", ")} will ${consequence}`);
  }
  const { code, tail } = await denoTest(args);
  const counts = parseSummary(tail) ?? { passed: 0, failed: 0, ignored: 0 };
  const none = counts.passed + counts.failed + counts.ignored === 0;
  if (none) console.error("no test ran");
  console.log(formatSummary(counts));
  return none && code === 0 ? 1 : code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
