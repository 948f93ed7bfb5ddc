/**
 * `postie mx` at work: each domain diagnosed (and, when asked or announced, checked live),
 * the arguments' reports printed together, a --file's lines streamed in batches.
 *
 * @module
 */

import { diagnose, type Diagnosis } from "../lib/dns/diagnosis.ts";
import { DnsNameError } from "../lib/dns/errors.ts";
import { worstSeverity } from "../lib/dns/finding.ts";
import { toMailDomain } from "../lib/dns/mail_domain.ts";
import { Resolver } from "../lib/dns/resolver.ts";
import { ExitCode } from "../lib/sysexits.ts";
import type { LiveOptions } from "./mx_probe.ts";
import { allFindings, type MxOutcome, MxStyle } from "./mx_report.ts";
import { LineBatcher } from "./mx_output.ts";
import type { HostPort } from "./values.ts";

/** `postie mx`'s options, as parsed. */
export interface MxOptions {
  resolver?: HostPort;
  timeout: number;
  file?: string;
  concurrency: number;
  check?: true;
  mtaStsFetch: boolean;
  port: number;
  httpsPort: number;
  json?: true;
}

/** Diagnoses the domains (or the file of domains) and prints the report; returns the exit code. */
export async function runMx(domains: string[], options: MxOptions): Promise<number> {
  const resolver = new Resolver({
    nameServer: options.resolver &&
      { ipAddr: options.resolver.hostname, port: options.resolver.port },
    timeoutMs: options.timeout,
  });
  const live: LiveOptions = {
    check: options.check === true,
    fetchPolicy: options.mtaStsFetch,
    port: options.port,
    httpsPort: options.httpsPort,
    timeoutMs: options.timeout,
    clientName: clientName(),
  };
  const diagnoseOne = (input: string) => diagnoseInput(resolver, input, live);
  try {
    return options.file
      ? await runFile(diagnoseOne, options.file, options.concurrency, options.json === true)
      : await runArguments(diagnoseOne, domains, options.concurrency, options.json === true);
  } finally {
    resolver.close();
  }
}

/** The name postie gives in EHLO: this machine's. */
function clientName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

async function diagnoseInput(
  resolver: Resolver,
  input: string,
  live: LiveOptions,
): Promise<MxOutcome> {
  try {
    const diagnosis = await diagnose(resolver, toMailDomain(input));
    if (!needsLive(diagnosis, live)) return { input, diagnosis };
    // Loaded on use: node:tls and the probes take longer to load than most DNS-only runs take
    const { checkLive } = await import("./mx_probe.ts");
    const outcome = { input, diagnosis, ...await checkLive(resolver, diagnosis, live) };
    return { ...outcome, verdict: worstSeverity(allFindings(outcome)) };
  } catch (error) {
    if (error instanceof DnsNameError) return { input, error: error.message };
    throw error;
  }
}

/** True when `diagnosis` needs the live part: --check, or a policy `_mta-sts` announces. */
function needsLive(diagnosis: Diagnosis, live: LiveOptions): boolean {
  return live.check || (live.fetchPolicy && diagnosis.mtaSts?.record !== undefined);
}

/** sysexits for one outcome: 75 DNS failed, 68 no such domain, 65 not a domain, else 0. */
function exitCodeOf(outcome: MxOutcome): number {
  if (!("diagnosis" in outcome)) return ExitCode.DataErr;
  const kind = outcome.diagnosis.route.kind;
  return kind === "unknown"
    ? ExitCode.TempFail
    : kind === "nxdomain"
    ? ExitCode.NoHost
    : ExitCode.Ok;
}

// The codes rank by number: a DNS failure (75) outranks NXDOMAIN (68), which outranks 65.
const worstExit = (codes: number[]) => Math.max(ExitCode.Ok, ...codes);

type DiagnoseOne = (input: string) => Promise<MxOutcome>;

/** Diagnoses the arguments, `concurrency` at a time, and prints them in argument order. */
async function runArguments(
  diagnoseOne: DiagnoseOne,
  inputs: string[],
  concurrency: number,
  json: boolean,
): Promise<number> {
  const outcomes = new Array<MxOutcome>(inputs.length);
  let next = 0;
  const worker = async () => {
    // `next++` before any await: two workers never take the same argument
    for (let i = next++; i < inputs.length; i = next++) outcomes[i] = await diagnoseOne(inputs[i]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  const style = new MxStyle();
  const text = outcomes.map((o) =>
    json ? JSON.stringify(o) : "error" in o ? style.badName(o) : style.report(o)
  );
  console.log(text.join(json ? "\n" : "\n\n"));
  return worstExit(outcomes.map(exitCodeOf));
}

/**
 * Diagnoses every line of `path`, `concurrency` at a time: lines are read as workers free up
 * and each result is handed to the output as soon as it is complete, then dropped.
 */
async function runFile(
  diagnoseOne: DiagnoseOne,
  path: string,
  concurrency: number,
  json: boolean,
): Promise<number> {
  let file: Deno.FsFile | undefined;
  try {
    file = path === "-" ? undefined : await Deno.open(path);
  } catch (error) {
    console.error(`postie mx: cannot read ${path}: ${(error as Error).message}`);
    return ExitCode.NoInput;
  }
  const inputs = readLines((file ?? Deno.stdin).readable);
  const style = new MxStyle();
  const output = new LineBatcher(Deno.stdout, Deno.stderr.isTerminal() ? Deno.stderr : undefined);
  let code: number = ExitCode.Ok;
  const worker = async () => {
    for await (const input of inputs) {
      const outcome = await diagnoseOne(input);
      output.line(
        json
          ? JSON.stringify(outcome)
          : "error" in outcome
          ? style.badName(outcome)
          : style.summary(outcome),
      );
      // No await between reading and writing `code`: concurrent workers cannot lose an update.
      code = worstExit([code, exitCodeOf(outcome)]);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    output.close();
  }
  return code;
}

/** The domains of a stream, one per line; blank lines and # comments skipped. */
async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const line of lines) if (isDomainLine(line)) yield line.trim();
  }
  if (isDomainLine(rest)) yield rest.trim();
}

function isDomainLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== "" && !trimmed.startsWith("#");
}
