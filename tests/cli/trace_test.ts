import { deepEqual, equal, match, ok } from "node:assert/strict";
import fc from "fast-check";
import { palette } from "../../cli/color.ts";
import { renderTraceHtml } from "../../cli/trace_html.ts";
import { renderTraceText, traceJson } from "../../cli/trace_run.ts";
import { traceMessage } from "../../lib/trace/mod.ts";
import { hostileHeader } from "../trace/hostile_headers.ts";
import { runPostie } from "./run_postie.ts";

const FIXTURES = new URL("../fixtures/trace/", import.meta.url).pathname;

function postie(args: string[], stdin?: string) {
  return runPostie(["trace", ...args], { stdin });
}

Deno.test("trace FILE: a hop table with delay bars, the findings, a verdict", async () => {
  const { code, stdout } = await postie([`${FIXTURES}exim.eml`]);
  equal(code, 0);
  match(stdout, /^n\s+from\s+by\s+with\s+TLS\s+time \(UTC\)\s+delay$/m);
  match(stdout, /^1 +app01\.internal\.example\.net +relay\.example\.net +ESMTP +- .* 1s +█$/m);
  match(
    stdout,
    /^2\* +mail-out\.example\.net +mx1\.example\.org +ESMTPS +TLSv1\.3 .* 25m 03s +█{20}$/m,
  );
  match(stdout, /^warning large-delay: 25m 03s lost between hops 1 and 2/m);
  match(stdout, /^verdict: 2 hops in 25m 04s; 3 warnings to look at$/m);
});

Deno.test("trace --json from stdin: hops, totalSeconds, findings", async () => {
  const headers = await Deno.readTextFile(`${FIXTURES}udel.eml`);
  const { code, stdout } = await postie(["--json", "-"], headers.replaceAll("\n", "\r\n"));
  equal(code, 0);
  const result = JSON.parse(stdout);
  deepEqual(
    result.hops.map((
      hop: Record<string, unknown>,
    ) => [hop.by, hop.with, hop.tls, hop.delaySeconds]),
    [["mail.udel.edu", "SMTP", null, 2], ["smtp.udel.edu", "ESMTP", null, 2]],
  );
  equal(result.hops[0].from.ip, "128.175.13.92");
  equal(result.hops[0].time, "2026-11-13T19:22:29.000Z");
  equal(result.totalSeconds, 4);
  deepEqual(result.findings[0], {
    severity: "warning",
    code: "no-tls",
    message: "hop 1 (copland.udel.edu to mail.udel.edu) records no TLS",
    hop: 1,
  });
});

Deno.test("trace --trusted-by (repeatable) marks the recipient's own hops", async () => {
  const file = `${FIXTURES}forged_private_ip.eml`;
  const one = JSON.parse((await postie(["--json", "--trusted-by", "mx.example.org", file])).stdout);
  deepEqual(one.hops.map((hop: { trusted: boolean }) => hop.trusted), [false, false, true]);
  const two = JSON.parse(
    (await postie([
      "--json",
      "--trusted-by",
      "mx.example.org",
      "--trusted-by",
      "example.com",
      file,
    ]))
      .stdout,
  );
  deepEqual(two.hops.map((hop: { trusted: boolean }) => hop.trusted), [true, true, true]);
  deepEqual(two.trustedHosts, ["mx.example.org", "example.com"]);
});

Deno.test("clock skew is shown as such, not as a bar", async () => {
  const { stdout } = await postie([`${FIXTURES}sendmail.eml`]);
  match(stdout, /^2\* .* -3s +clock skew$/m);
});

Deno.test("trace exits 66 for a missing file and 65 when there are no headers", async () => {
  const missing = await postie(["/no/such/file.eml"]);
  equal(missing.code, 66);
  match(missing.stderr, /^postie trace: cannot read \/no\/such\/file\.eml/);
  const empty = await postie([], "no headers here, just words\n");
  equal(empty.code, 65);
  match(empty.stderr, /no header fields found/);
  ok(empty.stdout === "");
});

Deno.test("trace --html writes a self-contained report: timeline, findings, escaped headers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const page = `${dir}/report.html`;
    const { code } = await postie(["--html", page, `${FIXTURES}postie.eml`]);
    equal(code, 0);
    const html = await Deno.readTextFile(page);
    match(html, /^<!doctype html>/);
    match(html, /<td>devbox\.example\.test<\/td>/);
    match(html, /<div class="lane"><div class="span" style="left:[\d.]+%;width:[\d.]+%"><\/div>/);
    match(html, /for &lt;b@y\.test&gt;/);
    ok(!/\b(?:src|href)=/.test(html), "no external resources");
    const bad = await postie(["--html", `${dir}/no/such/dir/report.html`, `${FIXTURES}postie.eml`]);
    equal(bad.code, 73);
    match(bad.stderr, /cannot write/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trace shows X-Received as internal notes, Return-Path, DKIM and ARC signers", async () => {
  const file = `${FIXTURES}gmail_forwarded_arc.eml`;
  const { stdout } = await postie([file]);
  match(
    stdout,
    /^internal: X-Received by 2002:a17:90b:4c4a:b0:2e0:1234:5678 with SMTP at 2026-11-16 17:10:21Z$/m,
  );
  match(stdout, /^Return-Path: <list-bounces\+erin=gmail\.com@lists\.example\.com>$/m);
  match(stdout, /^DKIM-Signature: d=example\.net s=20230601 a=rsa-sha256$/m);
  match(
    stdout,
    /^ARC i=2: d=google\.com s=arc-20240605 a=rsa-sha256 cv=pass, results by mx\.google\.com$/m,
  );
  match(stdout, /^info +arc-chain: ARC chain of 2 sets \(claims, not verified\)/m);
  const json = JSON.parse((await postie(["--json", file])).stdout);
  deepEqual(json.internal.map((note: { by: string }) => note.by), [
    "2002:a17:90b:4c4a:b0:2e0:1234:5678",
  ]);
  equal(json.hops.length, 3);
  equal(json.returnPath, "list-bounces+erin=gmail.com@lists.example.com");
  deepEqual(json.dkimSignatures[1], {
    domain: "example.net",
    selector: "20230601",
    algorithm: "rsa-sha256",
  });
  deepEqual(
    json.arc.sets.map((set: { instance: number; seal: { chainValidation: string } }) => [
      set.instance,
      set.seal.chainValidation,
    ]),
    [[1, "none"], [2, "pass"]],
  );
});

Deno.test("trace --json reports an ARC gap", async () => {
  const json = JSON.parse((await postie(["--json", `${FIXTURES}arc_gap.eml`])).stdout);
  ok(json.findings.some((finding: { code: string }) => finding.code === "arc-gap"));
});

Deno.test("property: the text, JSON and HTML renderers take any hostile header", () => {
  const plain = palette({ isTerminal: () => false });
  fc.assert(
    fc.property(hostileHeader, (bytes) => {
      const trace = traceMessage(bytes, { now: new Date("2026-11-24T05:00:00Z") });
      const text = renderTraceText(trace, plain);
      ok(text.includes("verdict: "));
      const json = JSON.parse(JSON.stringify(traceJson(trace)));
      equal(json.hops.length, trace.hops.length);
      const html = renderTraceHtml(trace);
      // Header text is escaped: no markup from the message reaches the page.
      ok(!html.includes("<script"), "no script element");
      equal(html.match(/<li/g)?.length, html.match(/<\/li>/g)?.length);
    }),
    { numRuns: 500 },
  );
});
