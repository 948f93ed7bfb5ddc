import { deepEqual, equal, ok } from "node:assert/strict";
import { parseHeaderBlock } from "../../lib/message/header.ts";
import {
  parseDkimSignature,
  parseSignatureTags,
  readArcChain,
  readTraceHeader,
  traceMessage,
} from "../../lib/trace/mod.ts";
import { FIXTURES, NOW } from "./fixture_cases.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const fields = (text: string) => parseHeaderBlock(encode(text), []);

/** An ARC set's three fields, with cv= and d= as given. */
function arcSet(instance: number, cv: string, domain = "relay.example"): string {
  return `ARC-Seal: i=${instance}; a=rsa-sha256; cv=${cv}; d=${domain}; s=arc; b=x\r\n` +
    `ARC-Message-Signature: i=${instance}; a=rsa-sha256; d=${domain}; s=arc; h=from; b=y\r\n` +
    `ARC-Authentication-Results: i=${instance}; ${domain}; spf=pass smtp.mailfrom=a.example\r\n`;
}

function findings(header: string) {
  return traceMessage(encode(header), { now: NOW }).findings.filter((f) =>
    f.code.startsWith("arc")
  );
}

Deno.test("tag-lists (RFC 6376 §3.2): trimmed, first of a repeated tag, no '=' skipped", () => {
  const tags = parseSignatureTags(
    " v = 1 ;a=rsa-sha256; d=example.net ;junk; d=other; s=\r\n sel;",
  );
  deepEqual([...tags], [["v", "1"], ["a", "rsa-sha256"], ["d", "example.net"], ["s", "sel"]]);
  deepEqual([...parseSignatureTags("")], []);
});

Deno.test("DKIM-Signature: d=, s=, a= and i=, lower-cased domain and algorithm", () => {
  deepEqual(parseDkimSignature("v=1; a=RSA-SHA256; d=Example.NET.; s=s1; i=@example.net; b=x"), {
    domain: "example.net",
    selector: "s1",
    algorithm: "rsa-sha256",
    identity: "@example.net",
  });
  deepEqual(parseDkimSignature("not a signature"), {});
});

Deno.test("ARC sets grouped by instance, with the seal's cv= and the AAR's authserv-id", () => {
  const chain = readArcChain(fields(arcSet(2, "pass", "google.com") + arcSet(1, "none")));
  deepEqual(chain.problems, []);
  deepEqual(chain.sets.map((set) => set.instance), [1, 2]);
  deepEqual(chain.sets[1].seal, {
    domain: "google.com",
    selector: "arc",
    algorithm: "rsa-sha256",
    chainValidation: "pass",
  });
  equal(chain.sets[1].authenticationResults?.authservId, "google.com");
  deepEqual(chain.sets[0].authenticationResults?.verdicts.map((v) => v.method), ["spf"]);
});

Deno.test("RFC 8617 §5.1.1 form: a missing or repeated field, an instance out of range", () => {
  const header = arcSet(1, "none") + "ARC-Seal: i=1; cv=none; d=x.example; b=z\r\n" +
    "ARC-Seal: i=2; cv=pass; d=relay.example; b=z\r\n" +
    "ARC-Message-Signature: i=51; d=relay.example; b=z\r\n" +
    "ARC-Authentication-Results: relay.example; spf=pass\r\n";
  deepEqual(readArcChain(fields(header)).problems, [
    "more than one ARC-Seal for i=1",
    "ARC-Message-Signature without an instance (i=1 to 50)",
    "ARC-Authentication-Results without an instance (i=1 to 50)",
    "ARC set i=2 has no ARC-Message-Signature",
    "ARC set i=2 has no ARC-Authentication-Results",
  ]);
  deepEqual(findings(header).map((f) => f.code), [
    ...Array(5).fill("arc-structure"),
    "arc-chain",
  ]);
});

Deno.test("a gap in the instances, and cv= out of place, are findings", () => {
  const gap = findings(arcSet(4, "pass") + arcSet(2, "pass") + arcSet(1, "none"));
  equal(
    gap.find((f) => f.code === "arc-gap")?.message,
    "ARC instances i=1, i=2, i=4 skip i=3: a set was removed or the chain was forged",
  );
  const misplaced = findings(arcSet(2, "none") + arcSet(1, "pass"));
  deepEqual(misplaced.map((f) => f.code), ["arc-cv-invalid", "arc-cv-invalid", "arc-chain"]);
  ok(misplaced[0].message.includes("ARC-Seal i=1 (d=relay.example) says cv=pass"));
});

Deno.test("fixture arc_cv_fail: the sealer of i=2 claims the chain was broken", () => {
  const trace = traceMessage(Deno.readFileSync(new URL("arc_cv_fail.eml", FIXTURES)), { now: NOW });
  const failed = trace.findings.find((f) => f.code === "arc-cv-fail");
  equal(
    failed?.message,
    "ARC-Seal i=2 (d=relay.example) claims cv=fail: the chain was broken when it arrived there",
  );
  equal(failed?.severity, "warning");
});

Deno.test("fixture gmail_forwarded_arc: X-Received is a note, not a hop; signers and claims", () => {
  const trace = traceMessage(
    Deno.readFileSync(new URL("gmail_forwarded_arc.eml", FIXTURES)),
    { now: NOW },
  );
  equal(trace.hops.length, 3);
  deepEqual(trace.header.xReceived.map(({ received }) => received.by), [
    "2002:a17:90b:4c4a:b0:2e0:1234:5678",
  ]);
  deepEqual(trace.header.dkimSignatures.map((s) => s.domain), ["lists.example.com", "example.net"]);
  equal(trace.header.returnPath, "list-bounces+erin=gmail.com@lists.example.com");
  const summary = trace.findings.find((f) => f.code === "arc-chain");
  ok(summary?.message.startsWith("ARC chain of 2 sets (claims, not verified): i=2 sealed by"));
  ok(!trace.findings.some((f) => f.code === "broken-chain"));
});

Deno.test("Return-Path: the topmost one, brackets removed, <> is the null reverse-path", () => {
  const header = readTraceHeader(fields("Return-Path: <>\r\nReturn-Path: <a@b.example>\r\n"));
  equal(header.returnPath, "");
  equal(readTraceHeader(fields("Return-Path: < a@b.example >\r\n")).returnPath, "a@b.example");
});
