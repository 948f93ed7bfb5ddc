/**
 * What `postie mx` prints: an outcome per input, as a one-line summary, a full report with a
 * verdict on top, or one JSON line.
 *
 * @module
 */

import type { Diagnosis } from "../lib/dns/diagnosis.ts";
import type { Finding, Severity } from "../lib/dns/finding.ts";
import { hostPort } from "../lib/dns/host_port.ts";
import type { MxRoute } from "../lib/dns/mx_route.ts";
import type { MtaStsPolicyCheck } from "../lib/probe/mta_sts_fetch.ts";
import type { AddressCheck } from "../lib/probe/mx_check.ts";
import { HTTPS_PORT, SMTP_PORT } from "../lib/probe/ports.ts";
import { replyText } from "../lib/probe/reply_text.ts";
import { type Palette, palette } from "./color.ts";

/**
 * One input line or argument, diagnosed (with each MX address checked under --check, the
 * MTA-STS policy fetched when announced, and the verdict over all), or the reason it is not
 * a domain.
 */
export type MxOutcome =
  | {
    input: string;
    diagnosis: Diagnosis;
    verdict?: Severity;
    checks?: AddressCheck[];
    mtaStsPolicy?: MtaStsPolicyCheck;
  }
  | { input: string; error: string };

/** An outcome with a diagnosis. */
export type MxDiagnosed = Extract<MxOutcome, { diagnosis: Diagnosis }>;

const WORDS: Record<Severity, string> = { ok: "ok", warning: "warning", error: "error" };
const MARKS: Record<Severity, string> = { ok: "✓", warning: "!", error: "✗" };

/**
 * Human output of `postie mx`: ✓/!/✗ on a terminal (coloured unless NO_COLOR), plain words
 * otherwise; one summary line per domain for --file, the full report for arguments.
 *
 * @example
 * ```ts
 * const style = new MxStyle();
 * console.log("error" in outcome ? style.badName(outcome) : style.report(outcome));
 * ```
 */
export class MxStyle {
  readonly #tty = Deno.stdout.isTerminal();
  readonly #paint: Palette = palette();

  /** The mark (terminal) or the word (elsewhere) for `severity`. */
  mark(severity: Severity): string {
    const paint =
      { ok: this.#paint.green, warning: this.#paint.yellow, error: this.#paint.red }[severity];
    return paint(this.#tty ? MARKS[severity] : WORDS[severity].padEnd(7));
  }

  /** One line: verdict, domain, route, and the worst finding's reason. */
  summary(o: MxDiagnosed): string {
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
  report(o: MxDiagnosed): string {
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

  /** One line for an input that is not a domain. */
  badName(outcome: { input: string; error: string }): string {
    return `${this.mark("error")} ${outcome.error}`;
  }

  #finding(f: Finding): string {
    return `${this.mark(f.severity)} ${this.#paint.dim(f.topic.padEnd(7))} ${f.reason}`;
  }
}

/** Every finding of an outcome: the diagnosis's, then each check's, then the policy's. */
export function allFindings(
  o: Pick<MxDiagnosed, "diagnosis" | "checks" | "mtaStsPolicy">,
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
