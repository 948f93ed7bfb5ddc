import {
  diagnose,
  type Diagnosis,
  DnsNameError,
  type Finding,
  type MxRoute,
  Resolver,
  type Severity,
  toMailDomain,
  worstSeverity,
} from "../lib/dns/mod.ts";
import {
  type AddressCheck,
  checkMxRoute,
  fetchMtaStsPolicy,
  hostPort,
  HTTPS_PORT,
  type MtaStsPolicyCheck,
  type MxCheckOptions,
  replyText,
  SMTP_PORT,
} from "../lib/probe/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { type Palette, palette } from "./color.ts";
import type { HostPort } from "./values.ts";

/** `postie mx`'s options, as parsed. */
export interface MxOptions {
  resolver?: HostPort;
  timeout: number;
  file?: string;
  concurrency: number;
  check?: true;
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
  const check = options.check
    ? {
      port: options.port,
      httpsPort: options.httpsPort,
      timeoutMs: options.timeout,
      clientName: clientName(),
    }
    : undefined;
  const diagnoseOne = (input: string) => diagnoseInput(resolver, input, check);
  try {
    return options.file
      ? await runFile(diagnoseOne, options.file, options.concurrency, options.json === true)
      : await runArguments(diagnoseOne, domains, options.json === true);
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

/** What --check does: the probes' options, and the port the MTA-STS policy is fetched from. */
type CheckOptions = MxCheckOptions & { httpsPort: number };

/**
 * One input line or argument, diagnosed (under --check with each MX address checked and the
 * MTA-STS policy fetched, and the verdict over all), or the reason it is not a domain.
 */
type Outcome =
  | {
    input: string;
    diagnosis: Diagnosis;
    verdict?: Severity;
    checks?: AddressCheck[];
    mtaStsPolicy?: MtaStsPolicyCheck;
  }
  | { input: string; error: string };

type Diagnosed = Extract<Outcome, { diagnosis: Diagnosis }>;

async function diagnoseInput(
  resolver: Resolver,
  input: string,
  check: CheckOptions | undefined,
): Promise<Outcome> {
  try {
    const diagnosis = await diagnose(resolver, toMailDomain(input));
    if (!check) return { input, diagnosis };
    const [checks, mtaStsPolicy] = await Promise.all([
      checkMxRoute(resolver, diagnosis.route, check),
      fetchPolicy(resolver, diagnosis, check),
    ]);
    const outcome = { input, diagnosis, checks, ...(mtaStsPolicy && { mtaStsPolicy }) };
    return { ...outcome, verdict: worstSeverity(allFindings(outcome)) };
  } catch (error) {
    if (error instanceof DnsNameError) return { input, error: error.message };
    throw error;
  }
}

/** RFC 8461 §3.3: the policy is fetched when `_mta-sts` announces one. */
function fetchPolicy(
  resolver: Resolver,
  diagnosis: Diagnosis,
  check: CheckOptions,
): Promise<MtaStsPolicyCheck | undefined> {
  if (!diagnosis.mtaSts?.record) return Promise.resolve(undefined);
  const route = diagnosis.route;
  const mxNames = route.kind === "mx" ? route.hosts.map((h) => h.exchange) : [];
  return fetchMtaStsPolicy(resolver, diagnosis.domain.ascii, mxNames, {
    port: check.httpsPort,
    timeoutMs: check.timeoutMs,
  });
}

/** sysexits for one outcome: 75 DNS failed, 68 no such domain, 65 not a domain, else 0. */
function exitCodeOf(outcome: Outcome): number {
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

type DiagnoseOne = (input: string) => Promise<Outcome>;

async function runArguments(
  diagnoseOne: DiagnoseOne,
  inputs: string[],
  json: boolean,
): Promise<number> {
  const outcomes = await Promise.all(inputs.map(diagnoseOne));
  const style = new Style();
  const text = outcomes.map((o) =>
    json ? toJson(o) : "error" in o ? style.badName(o) : style.report(o)
  );
  console.log(text.join(json ? "\n" : "\n\n"));
  return worstExit(outcomes.map(exitCodeOf));
}

/** Diagnoses every line of `path`, `concurrency` at a time, printing each as it completes. */
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
  const style = new Style();
  const progress = new Progress();
  let code: number = ExitCode.Ok;
  const worker = async () => {
    for await (const input of inputs) {
      const outcome = await diagnoseOne(input);
      const line = json
        ? toJson(outcome)
        : "error" in outcome
        ? style.badName(outcome)
        : style.summary(outcome);
      progress.print(line);
      // No await between reading and writing `code`: concurrent workers cannot lose an update.
      code = worstExit([code, exitCodeOf(outcome)]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  progress.done();
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

function toJson(outcome: Outcome): string {
  return JSON.stringify(outcome);
}

const WORDS: Record<Severity, string> = { ok: "ok", warning: "warning", error: "error" };
const MARKS: Record<Severity, string> = { ok: "✓", warning: "!", error: "✗" };

/** Human output: ✓/!/✗ on a terminal (coloured unless NO_COLOR), plain words otherwise. */
class Style {
  readonly #tty = Deno.stdout.isTerminal();
  readonly #paint: Palette = palette();

  mark(severity: Severity): string {
    const paint =
      { ok: this.#paint.green, warning: this.#paint.yellow, error: this.#paint.red }[severity];
    return paint(this.#tty ? MARKS[severity] : WORDS[severity].padEnd(7));
  }

  /** One line: verdict, domain, route, and the worst finding's reason. */
  summary(o: Diagnosed): string {
    const d = o.diagnosis, verdict = o.verdict ?? d.verdict;
    // For a domain without usable MX records the route text already says what is wrong
    const shown = d.route.kind === "mx" ? [] : d.route.findings;
    const worst = verdict === "ok"
      ? undefined
      : allFindings(o).find((f) => f.severity === verdict && !shown.includes(f));
    return `${this.mark(verdict)} ${domainText(d)}: ${routeText(d.route)}${
      worst ? `; ${worst.reason}` : ""
    }`;
  }

  /** The full report: verdict on top, the route, the policy records, every finding, checks. */
  report(o: Diagnosed): string {
    const d = o.diagnosis, verdict = o.verdict ?? d.verdict;
    const counts = (["error", "warning"] as const).map((s) =>
      plural(allFindings(o).filter((f) => f.severity === s).length, s)
    );
    const lines = [
      this.#paint.bold(
        `${this.#tty ? `${this.mark(verdict)} ` : ""}${domainText(d)}: ${WORDS[verdict]} (${
          counts.join(", ")
        })`,
      ),
    ];
    lines.push(`  route    ${routeText(d.route)}`);
    for (const host of d.route.hosts) {
      const addresses = host.addresses.length > 0 ? host.addresses.join(", ") : "(no address)";
      lines.push(
        `    ${String(host.preference).padStart(5)}  ${host.exchange.padEnd(30)} ${addresses}`,
      );
    }
    const records: [string, string | undefined][] = [
      ["SPF", d.spf?.record && `${d.spf.record}  (${d.spf.lookups}/10 lookups)`],
      ["DMARC", d.dmarc?.record && `${d.dmarc.record}  (at ${d.dmarc.foundAt})`],
      ["MTA-STS", d.mtaSts?.record],
      ["TLS-RPT", d.tlsRpt?.record],
      ["BIMI", d.bimi?.record],
    ];
    for (const [label, text] of records) {
      // BIMI is listed only when present; the others say "none" (unless the domain has no DNS)
      if (text || (label !== "BIMI" && d.spf)) {
        lines.push(`  ${label.padEnd(8)} ${text ?? "(none)"}`);
      }
    }
    lines.push("  findings");
    for (const f of d.findings) lines.push(`    ${this.#finding(f)}`);
    if (o.mtaStsPolicy) lines.push(...this.#policy(o.mtaStsPolicy));
    for (const check of o.checks ?? []) lines.push(...this.#check(check));
    return lines.join("\n");
  }

  /** One MX address checked: what it said, its TLS and certificate, its PTR, the findings. */
  #check(c: AddressCheck): string[] {
    const { probe, reverse } = c, t = probe.timings, tls = probe.tls;
    const times = [
      ["connect", t.connectMs],
      ["banner", t.bannerMs],
      ["EHLO", t.ehloMs],
      ["STARTTLS+TLS", t.tlsMs],
    ].filter(([, ms]) => ms !== undefined).map(([step, ms]) => `${step} ${ms} ms`);
    const rows: [string, string | undefined][] = [
      ["times", times.join(", ") || undefined],
      ["banner", probe.banner && replyText(probe.banner)],
      ["EHLO", probe.capabilities.join(", ") || undefined],
      ["STARTTLS", probe.starttls === "not-tried" ? undefined : probe.starttls],
      ["TLS", tls && `${tls.protocol}, ${tls.cipher}`],
      ["cert", tls && `${tls.subject}; names ${tls.altNames.join(", ") || "(none)"}`],
      [
        "dates",
        tls &&
        `${tls.validFrom.slice(0, 10)} to ${tls.validTo.slice(0, 10)} (${
          plural(tls.daysToExpiry, "day")
        } left)`,
      ],
      ["chain", tls && (tls.chainValid ? "valid" : tls.chainError ?? "invalid")],
      [
        "PTR",
        `${reverse.names.join(", ") || `(none: ${reverse.status})`}${
          reverse.confirmed.length > 0 ? " (confirms forward)" : ""
        }`,
      ],
    ];
    const at = probe.port === SMTP_PORT ? c.address : hostPort(c.address, probe.port);
    return [
      `  check    ${String(c.preference).padStart(5)}  ${c.exchange} ${at}`,
      ...rows.filter(([, text]) => text !== undefined).map(([label, text]) =>
        `             ${label.padEnd(9)}${text}`
      ),
      ...c.findings.map((f) => `             ${this.#finding(f)}`),
    ];
  }

  /** The MTA-STS policy fetched: where from, what it says, its findings. */
  #policy(p: MtaStsPolicyCheck): string[] {
    const from = p.address &&
      (p.port === HTTPS_PORT ? p.address : hostPort(p.address, p.port));
    const mx = p.policy?.mx.join(", ") || "(none)";
    const policy = p.policy && `mode ${p.policy.mode}; mx ${mx}; max_age ${p.policy.maxAge} s`;
    return [
      `  policy   ${p.url}${from ? ` (${from})` : ""}`,
      ...(policy ? [`             ${policy}`] : []),
      ...p.findings.map((f) => `             ${this.#finding(f)}`),
    ];
  }

  badName(outcome: { input: string; error: string }): string {
    return `${this.mark("error")} ${outcome.error}`;
  }

  #finding(f: Finding): string {
    return `${this.mark(f.severity)} ${this.#paint.dim(f.topic.padEnd(7))} ${f.reason}`;
  }
}

function allFindings(
  o: Pick<Diagnosed, "diagnosis" | "checks" | "mtaStsPolicy">,
): Finding[] {
  return [
    ...o.diagnosis.findings,
    ...(o.checks ?? []).flatMap((c) => c.findings),
    ...(o.mtaStsPolicy?.findings ?? []),
  ];
}

function domainText(d: Diagnosis): string {
  const { ascii, unicode } = d.domain;
  return unicode === ascii ? ascii : `${unicode} (${ascii})`;
}

function routeText(route: MxRoute): string {
  const ttl = `TTL ${route.mx.ttl} s`;
  switch (route.kind) {
    case "mx":
      return `${plural(route.hosts.length, "MX host")} (${ttl}): ${
        route.hosts.map((h) => h.exchange).join(", ")
      }`;
    case "implicit":
      return `no MX; implicit MX ${route.hosts[0].exchange} (${
        route.hosts[0].addresses.join(", ")
      })`;
    case "null":
      return `null MX: accepts no mail (${ttl})`;
    case "none":
      return "no MX and no address: mail cannot be delivered";
    case "nxdomain":
      return "does not exist (NXDOMAIN)";
    case "unknown":
      return `DNS failed: ${route.mx.reason}`;
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** A count of finished domains on stderr when it is a terminal, kept below the output. */
class Progress {
  readonly #on = Deno.stderr.isTerminal();
  readonly #started = performance.now();
  #done = 0;

  print(line: string): void {
    if (this.#on) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
    console.log(line);
    this.#done++;
    if (this.#on) {
      const rate = this.#done / ((performance.now() - this.#started) / 1000);
      Deno.stderr.writeSync(
        new TextEncoder().encode(`[${this.#done} domains, ${rate.toFixed(0)}/s]`),
      );
    }
  }

  done(): void {
    if (this.#on) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
  }
}
