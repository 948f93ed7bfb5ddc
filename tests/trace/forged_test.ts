import { deepEqual, ok } from "node:assert/strict";
import { traceMessage } from "../../lib/trace/mod.ts";
import { FIXTURES, NOW } from "./fixture_cases.ts";

function codes(name: string, now = NOW): string[] {
  const bytes = Deno.readFileSync(new URL(`${name}.eml`, FIXTURES));
  return traceMessage(bytes, { now }).findings.map((finding) => finding.code);
}

Deno.test("an inserted Received with a private IP is caught, and so is the broken chain", () => {
  const found = codes("forged_private_ip");
  ok(found.includes("private-ip"));
  ok(found.includes("broken-chain"));
});

Deno.test("Authentication-Results from outside the trusted hops are forgeable", () => {
  const trace = traceMessage(
    Deno.readFileSync(new URL("forged_auth_results.eml", FIXTURES)),
    { now: NOW },
  );
  const forgeable = trace.findings.filter((finding) => finding.code === "forgeable-auth-results");
  deepEqual(forgeable.length, 2);
  ok(forgeable.some((finding) => finding.message.includes("mail.attacker.example")));
  // The one claiming the recipient's own authserv-id sits under an outside Received field.
  ok(forgeable.some((finding) => finding.message.includes("from mx.example.org")));
  ok(
    trace.findings.some((finding) => finding.code === "auth-dmarc" && finding.severity === "error"),
  );
  ok(trace.findings.some((finding) => finding.code === "forgeable-received-spf"));
  ok(trace.verdict.startsWith("suspicious"));
});

Deno.test("a Date in the future is caught, against now and against the hops", () => {
  ok(codes("forged_future_date").includes("date-in-future"));
  // Even when "now" is later than the Date, it stands a year after the hop that received it.
  ok(codes("forged_future_date", new Date("2028-01-01T00:00:00Z")).includes("date-in-future"));
});

Deno.test("--trusted-by limits trust: a zone name under an outside hop is not trusted", () => {
  const bytes = Deno.readFileSync(new URL("forged_private_ip.eml", FIXTURES));
  const trace = traceMessage(bytes, { now: NOW, trustedBy: ["mx.example.org"] });
  deepEqual(trace.hops.map((hop) => hop.trusted), [false, false, true]);
  const all = traceMessage(bytes, { now: NOW, trustedBy: ["mx.example.org", "example.com"] });
  deepEqual(all.hops.map((hop) => hop.trusted), [true, true, true]);
});
