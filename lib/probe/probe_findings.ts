/**
 * Judges a live SMTP probe: what a sender would meet at this MX address, each finding ok,
 * warning or error with a one-line reason.
 *
 * @module
 */

import { errorFinding, type Finding, okFinding, warningFinding } from "../dns/finding.ts";
import type { PeerTls } from "./peer_tls.ts";
import { hostPort } from "../dns/host_port.ts";
import { replyText } from "./reply_text.ts";
import type { SmtpProbe } from "./smtp_probe.ts";

/** A certificate this close to its notAfter gets a warning. */
export const EXPIRY_WARNING_DAYS = 14;

/**
 * The findings of one probe: the conversation (smtp) and, when STARTTLS went through, the
 * certificate (tls).
 *
 * @example
 * ```ts
 * const probe = await probeSmtp({ address: "192.0.2.1", name: "mx.example.com", timeoutMs: 5000 });
 * for (const f of judgeProbe(probe)) console.log(f.severity, f.reason);
 * ```
 */
export function judgeProbe(probe: SmtpProbe): Finding[] {
  const at = `${probe.name} (${hostPort(probe.address, probe.port)})`;
  const { failure } = probe;
  if (failure && probe.starttls !== "failed") {
    return [
      errorFinding(
        "smtp",
        `smtp-${failure.stage}-failed`,
        `${at}: ${failure.stage}: ${failure.reason}`,
      ),
    ];
  }
  switch (probe.starttls) {
    case "not-offered":
      return [
        warningFinding(
          "smtp",
          "smtp-no-starttls",
          `${at} offers no STARTTLS: mail to it travels in clear`,
        ),
      ];
    case "refused":
      return [
        errorFinding(
          "smtp",
          "smtp-starttls-refused",
          `${at} offers STARTTLS but answered ${replyText(probe.starttlsReply!)}`,
        ),
      ];
    case "failed":
      return [
        errorFinding(
          "tls",
          "tls-handshake-failed",
          `${at}: TLS handshake failed: ${failure?.reason}`,
        ),
      ];
    default:
      return [
        okFinding("smtp", "smtp-ok", `${at} answered EHLO and STARTTLS`),
        ...judgeTls(probe.tls!),
      ];
  }
}

/** RFC 7672 §3.2 and RFC 8461 §4.2 ask for what a certificate check asks: name, dates, chain. */
function judgeTls(tls: PeerTls): Finding[] {
  const findings: Finding[] = [];
  if (tls.daysToExpiry < 0) {
    findings.push(
      errorFinding(
        "tls",
        "tls-expired",
        `certificate of ${tls.name} expired on ${tls.validTo.slice(0, 10)}`,
      ),
    );
  } else if (tls.daysToExpiry < EXPIRY_WARNING_DAYS) {
    findings.push(
      warningFinding(
        "tls",
        "tls-expires-soon",
        `certificate of ${tls.name} expires in ${tls.daysToExpiry} day${
          tls.daysToExpiry === 1 ? "" : "s"
        }`,
      ),
    );
  }
  if (!tls.nameMatches) {
    const names = tls.altNames.length > 0 ? tls.altNames.join(", ") : tls.subject;
    findings.push(
      errorFinding("tls", "tls-name-mismatch", `certificate is for ${names}, not ${tls.name}`),
    );
  }
  if (!tls.chainValid) {
    const why = tls.selfSigned ? "is self-signed" : `does not validate (${tls.chainError})`;
    findings.push(warningFinding("tls", "tls-untrusted", `certificate of ${tls.name} ${why}`));
  }
  if (findings.length === 0) {
    findings.push(
      okFinding(
        "tls",
        "tls-ok",
        `${tls.protocol}, certificate valid for ${tls.name}, ${tls.daysToExpiry} days left`,
      ),
    );
  }
  return findings;
}
