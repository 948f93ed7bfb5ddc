/**
 * The trace fixtures of tests/fixtures/trace/: each `<case>.eml` with its `<case>.readme` (why
 * it exists) and `<case>.expected.json` (hops, total, findings), and how a trace is summed up
 * for comparison with the expectation.
 *
 * @module
 */

import type { Trace } from "../../lib/trace/mod.ts";

/** The fixture folder. */
export const FIXTURES = new URL("../fixtures/trace/", import.meta.url);

/** "Now" for the fixtures, so that "in the future" does not depend on the day the tests run. */
export const NOW = new Date("2026-11-24T05:00:00Z");

/** The names of the cases, sorted. */
export function caseNames(): string[] {
  return [...Deno.readDirSync(FIXTURES)].filter((entry) => entry.name.endsWith(".eml"))
    .map((entry) => entry.name.slice(0, -".eml".length)).sort();
}

/**
 * What a case's expectation holds: per hop, the total, the X-Received notes, the DKIM and ARC
 * signers, the Return-Path and the findings as "severity code".
 */
export function summary(trace: Trace) {
  return {
    hops: trace.hops.map((hop) => ({
      from: hop.received.from,
      by: hop.received.by ?? null,
      with: hop.received.with ?? null,
      tls: hop.received.tls ?? null,
      delaySeconds: hop.delaySeconds ?? null,
      trusted: hop.trusted,
    })),
    totalSeconds: trace.totalSeconds ?? null,
    internal: trace.header.xReceived.map(({ received }) => ({
      by: received.by ?? null,
      with: received.with ?? null,
      time: received.time?.toISOString() ?? null,
    })),
    dkim: trace.header.dkimSignatures,
    arc: trace.header.arc,
    returnPath: trace.header.returnPath ?? null,
    findings: trace.findings.map((finding) => `${finding.severity} ${finding.code}`),
  };
}
