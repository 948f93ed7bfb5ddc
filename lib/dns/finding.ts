/**
 * One judgement of a diagnosis: ok, warning or error, with a one-line reason.
 *
 * @module
 */

/** How bad a finding is: `error` breaks or endangers delivery, `warning` deserves a look. */
export type Severity = "ok" | "warning" | "error";

/** What a finding is about. */
export type Topic =
  | "dns"
  | "mx"
  | "spf"
  | "dmarc"
  | "mta-sts"
  | "tls-rpt"
  | "bimi"
  | "smtp"
  | "tls"
  | "ptr";

/** One finding: a stable `code` for scripts and tests, and a reason a person can act on. */
export interface Finding {
  /** How bad it is. */
  severity: Severity;
  /** What the finding is about. */
  topic: Topic;
  /** Stable identifier, e.g. `mx-cname`, `spf-too-many-lookups`. */
  code: string;
  /** One line, e.g. `mx1.example.com is a CNAME (RFC 2181 §10.3)`. */
  reason: string;
}

/** The worst severity among `findings` (`ok` when there is none). */
export function worstSeverity(findings: readonly Finding[]): Severity {
  if (findings.some((f) => f.severity === "error")) return "error";
  return findings.some((f) => f.severity === "warning") ? "warning" : "ok";
}

/** An `ok` finding. */
export function okFinding(topic: Topic, code: string, reason: string): Finding {
  return { severity: "ok", topic, code, reason };
}

/** A `warning` finding. */
export function warningFinding(topic: Topic, code: string, reason: string): Finding {
  return { severity: "warning", topic, code, reason };
}

/** An `error` finding. */
export function errorFinding(topic: Topic, code: string, reason: string): Finding {
  return { severity: "error", topic, code, reason };
}
