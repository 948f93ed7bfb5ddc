import {
  clientName,
  formatDuration,
  type Hop,
  type Trace,
  type TraceFinding,
  traceMessage,
} from "../lib/trace/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { Resolver } from "../lib/dns/resolver.ts";
import type { VerifiedTrace } from "../lib/trace/verification.ts";
import type { HostPort } from "./values.ts";
import { type Palette, palette } from "./color.ts";
import { renderTraceHtml, traceNotes, utcText } from "./trace_html.ts";
import { readInput } from "./read_input.ts";

/** `postie trace`'s options, as parsed. */
export interface TraceCliOptions {
  trustedBy?: string[];
  json?: true;
  html?: string;
  verify?: true;
  resolver?: HostPort;
}

/** Width of the longest delay bar, in characters. */
const BAR_WIDTH = 20;

/** Reads the input, traces it and prints the result; returns the exit code. */
export async function runTrace(file: string, options: TraceCliOptions): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await readInput(file);
  } catch (error) {
    console.error(`postie trace: cannot read ${file}: ${(error as Error).message}`);
    return ExitCode.NoInput;
  }
  const traced = traceMessage(bytes, { trustedBy: options.trustedBy });
  if (traced.fields.length === 0) {
    console.error(`postie trace: no header fields found in ${file === "-" ? "stdin" : file}`);
    return ExitCode.DataErr;
  }
  const verified = options.verify ? await verify(bytes, traced, options.resolver) : undefined;
  const trace = verified?.trace ?? traced;
  if (options.html !== undefined) {
    try {
      await Deno.writeTextFile(options.html, renderTraceHtml(trace));
    } catch (error) {
      console.error(`postie trace: cannot write ${options.html}: ${(error as Error).message}`);
      return ExitCode.CantCreat;
    }
  }
  const json = () => ({ ...traceJson(trace), ...(verified && verificationJson(verified)) });
  const text = options.json ? JSON.stringify(json(), null, 2) : renderTraceText(trace, palette());
  await Deno.stdout.write(new TextEncoder().encode(`${text}\n`));
  return ExitCode.Ok;
}

/** `--verify`: the claims checked now, DNS asked at `--resolver` (the system's server if none). */
async function verify(bytes: Uint8Array, trace: Trace, server?: HostPort): Promise<VerifiedTrace> {
  // Loaded on use: only --verify needs lib/auth (and mailauth, which it loads itself).
  const { verifyTrace } = await import("../lib/trace/verification.ts");
  const nameServer = server && { ipAddr: server.hostname, port: server.port };
  const resolver = new Resolver({ nameServer });
  try {
    return await verifyTrace(bytes, trace, resolver);
  } finally {
    resolver.close();
  }
}

/** The `--verify` part of `--json`: the client SPF checked, and each result found now. */
function verificationJson({ client, facts }: VerifiedTrace) {
  return {
    verification: {
      client: client ?? null,
      dkim: facts.dkim,
      spf: facts.spf ?? null,
      dmarc: facts.dmarc ?? null,
      arc: facts.arc,
      authenticationResults: facts.authenticationResults,
    },
  };
}

/**
 * The `--json` result: hops in travel order, X-Received notes (`internal`), total time,
 * DKIM and ARC signers, Return-Path, findings, verdict.
 */
export function traceJson(trace: Trace) {
  return {
    hops: trace.hops.map((hop) => ({
      n: hop.index,
      from: hop.received.from,
      by: hop.received.by ?? null,
      via: hop.received.via ?? null,
      with: hop.received.with ?? null,
      tls: hop.received.tls ?? null,
      id: hop.received.id ?? null,
      for: hop.received.for ?? null,
      time: hop.received.time?.toISOString() ?? null,
      delaySeconds: hop.delaySeconds ?? null,
      trusted: hop.trusted,
      warnings: hop.received.warnings,
      raw: hop.received.raw,
    })),
    internal: trace.header.xReceived.map(({ received }) => ({
      by: received.by ?? null,
      with: received.with ?? null,
      id: received.id ?? null,
      time: received.time?.toISOString() ?? null,
      raw: received.raw,
    })),
    date: trace.date?.toISOString() ?? null,
    totalSeconds: trace.totalSeconds ?? null,
    returnPath: trace.header.returnPath ?? null,
    dkimSignatures: trace.header.dkimSignatures,
    arc: trace.header.arc,
    trustedHosts: trace.zone.hosts,
    findings: trace.findings,
    verdict: trace.verdict,
    warnings: trace.warnings,
  };
}

/** The hop table with delay bars, the findings, the verdict. */
export function renderTraceText(trace: Trace, colors: Palette): string {
  const longest = Math.max(0, ...trace.hops.map((hop) => hop.delaySeconds ?? 0));
  const rows = trace.hops.map((hop) => [
    `${hop.index}${hop.trusted ? "*" : ""}`,
    cut(clientName(hop), 30),
    cut(hop.received.by ?? "?", 30),
    cut(hop.received.with ?? "", 14),
    tlsText(hop),
    hop.received.time ? utcText(hop.received.time) : "?",
    hop.delaySeconds === undefined ? "" : formatDuration(hop.delaySeconds),
  ]);
  const header = ["n", "from", "by", "with", "TLS", "time (UTC)", "delay"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ");
  const lines = [colors.bold(line(header).trimEnd())];
  trace.hops.forEach((hop, i) => {
    lines.push(`${line(rows[i])}  ${bar(hop, longest, colors)}`.trimEnd());
  });
  if (trace.hops.length === 0) lines.push(colors.dim("(no Received fields)"));
  const trusted = trace.zone.hosts.join(", ") || "none";
  lines.push(colors.dim(`* trusted (${trace.zone.guessed ? "guessed: " : ""}${trusted})`));
  if (trace.totalSeconds !== undefined) {
    lines.push(`total: ${formatDuration(trace.totalSeconds)} from Date to the last hop`);
  }
  lines.push(...traceNotes(trace));
  lines.push("", ...trace.findings.map((finding) => findingLine(finding, colors)));
  const verdict = trace.findings.some((f) => f.severity === "error") ? colors.red : colors.green;
  lines.push("", colors.bold(verdict(`verdict: ${trace.verdict}`)));
  return lines.join("\n");
}

/** A proportional bar for a delay; clock skew is written as such, not drawn. */
function bar(hop: Hop, longest: number, colors: Palette): string {
  const delay = hop.delaySeconds;
  if (delay === undefined) return "";
  if (delay < 0) return colors.yellow("clock skew");
  // Any time lost shows at least one block; the longest delay fills the width.
  const width = delay > 0 ? Math.max(1, Math.round((delay / longest) * BAR_WIDTH)) : 0;
  return colors.cyan("█".repeat(width));
}

function tlsText(hop: Hop): string {
  const tls = hop.received.tls;
  if (!tls) return "-";
  return tls.version ?? "yes";
}

function findingLine(finding: TraceFinding, colors: Palette): string {
  const style = { error: colors.red, warning: colors.yellow, info: colors.dim }[finding.severity];
  return `${style(finding.severity.padEnd(7))} ${finding.code}: ${finding.message}`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
