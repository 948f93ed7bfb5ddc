import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { traceMessage } from "../../lib/trace/mod.ts";
import { hostileHeader } from "./hostile_headers.ts";

const NOW = new Date("2026-11-24T05:00:00Z");
const SEVERITIES = ["error", "warning", "info"];

Deno.test("property: hostile header blocks never throw and keep the trace's invariants", () => {
  fc.assert(
    fc.property(hostileHeader, (bytes) => {
      const trace = traceMessage(bytes, { now: NOW });
      const received = trace.fields.filter((f) => f.name.toLowerCase() === "received").length;
      equal(trace.hops.length, received);
      deepEqual(trace.hops.map((hop) => hop.index), trace.hops.map((_, i) => i + 1));
      // Travel order: the bottom field first.
      ok(trace.hops.every((hop, i) => i === 0 || hop.fieldIndex < trace.hops[i - 1].fieldIndex));
      const instances = trace.header.arc.sets.map((set) => set.instance);
      ok(instances.every((n, i) => n >= 1 && n <= 50 && (i === 0 || n > instances[i - 1])));
      ok(trace.findings.every((f) => SEVERITIES.includes(f.severity) && f.message.length > 0));
      const ranks = trace.findings.map((f) => SEVERITIES.indexOf(f.severity));
      ok(ranks.every((rank, i) => i === 0 || rank >= ranks[i - 1]), "most severe first");
      ok(Number.isFinite(trace.totalSeconds ?? 0));
      ok(trace.verdict.length > 0);
    }),
    { numRuns: 1500 },
  );
});
