import { deepEqual, equal } from "node:assert/strict";
import type { DkimVerification, MessageVerification } from "../../lib/auth/verify.ts";
import { traceMessage } from "../../lib/trace/trace.ts";
import { compareClaims, verifiedClient } from "../../lib/trace/verification.ts";

const HEADER = "Return-Path: <>\r\n" +
  "Authentication-Results: mx.example.org; dkim=fail header.d=a.example; " +
  "dkim=pass header.d=gone.example; arc=pass\r\n" +
  "Received-SPF: pass (mx.example.org) client-ip=203.0.113.5; receiver=mx.example.org\r\n" +
  "Received: from out.a.example (out.a.example [203.0.113.5]) by mx.example.org; " +
  "Tue, 24 Nov 2026 05:00:03 +0000\r\n" +
  "Received: from app (app [10.0.0.1]) by out.a.example; Tue, 24 Nov 2026 05:00:01 +0000\r\n" +
  "From: x@a.example\r\n\r\n";

const SIGNATURE: DkimVerification = {
  domain: "a.example",
  selector: "s1",
  algorithm: "ed25519-sha256",
  signature: "AbCdEfGh123",
  result: "pass",
  bodyHashMatches: true,
};

function facts(overrides: Partial<MessageVerification> = {}): MessageVerification {
  return {
    dkim: [SIGNATURE],
    spf: { result: "pass", domain: "out.a.example", ip: "203.0.113.5" },
    arc: { result: "none", instance: 0 },
    authenticationResults: "",
    ...overrides,
  };
}

Deno.test("verifiedClient: the client of the first trusted hop, the null path as ''", () => {
  const trace = traceMessage(new TextEncoder().encode(HEADER), { trustedBy: ["example.org"] });
  deepEqual(verifiedClient(trace), {
    hop: 2,
    ip: "203.0.113.5",
    helo: "out.a.example",
    mailFrom: "",
  });
  equal(verifiedClient(traceMessage(new TextEncoder().encode("Subject: x\r\n"))), undefined);
});

Deno.test("compareClaims: each fact against the claims naming it", () => {
  const trace = traceMessage(new TextEncoder().encode(HEADER), { trustedBy: ["example.org"] });
  const found = compareClaims(trace, facts(), verifiedClient(trace));
  deepEqual(found.map((f) => [f.severity, f.code, f.message]), [
    [
      "warning",
      "verify-dkim",
      "dkim=fail claimed by mx.example.org for d=a.example s=s1, but pass now",
    ],
    [
      "warning",
      "verify-dkim",
      "dkim=pass claimed by mx.example.org for d=gone.example, but the message has no such " +
      "signature now",
    ],
    [
      "info",
      "verify-spf",
      "spf=pass claimed by mx.example.org for 203.0.113.5 (hop 2): confirmed",
    ],
    ["warning", "verify-arc", "arc=pass claimed by mx.example.org (0 ARC sets), but none now"],
  ]);
});

Deno.test("compareClaims: what cannot be checked again is said so", () => {
  const trace = traceMessage(
    new TextEncoder().encode("Authentication-Results: mx.example.org; spf=pass; dmarc=pass\r\n"),
  );
  const found = compareClaims(trace, facts({ dkim: [], spf: undefined }));
  deepEqual(found.map((f) => [f.severity, f.message]), [
    [
      "info",
      "spf=pass claimed by mx.example.org cannot be checked now: no client address on the " +
      "first trusted hop",
    ],
    ["info", "arc=none (0 ARC sets); nothing claimed"],
    [
      "info",
      "dmarc=pass claimed by mx.example.org cannot be checked now: the message has no single " +
      "From domain",
    ],
  ]);
});
