import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { formatDuration, reservedRange, traceMessage } from "../../lib/trace/mod.ts";
import { parseAuthenticationResults, parseReceivedSpf } from "../../lib/trace/mod.ts";

const HEADERS = [
  "Received: from b.example (b.example [93.184.216.34])",
  "\tby c.example.org with ESMTPS id 2; Mon, 16 Nov 2026 10:00:09 +0000",
  "Received: from a.example (a.example [81.2.69.142])",
  "    by b.example with ESMTPS id 1; Mon, 16 Nov 2026 10:00:05 +0000",
  "Date: Mon, 16 Nov 2026 10:00:00 +0000",
  "Message-ID: <1@a.example>",
];
const encode = (text: string) => new TextEncoder().encode(text);
const NOW = new Date("2026-11-24T05:00:00Z");

Deno.test("headers alone: LF, CRLF, no blank line, leading blank lines, a body after", () => {
  const inputs = [
    HEADERS.join("\n"),
    HEADERS.join("\r\n"),
    `\n\n${HEADERS.join("\n")}\n`,
    `${HEADERS.join("\r\n")}\r\n\r\nReceived: not a header, the body\r\n`,
  ];
  for (const input of inputs) {
    const trace = traceMessage(encode(input), { now: NOW });
    deepEqual(trace.hops.map((hop) => hop.delaySeconds), [5, 4], JSON.stringify(input));
    equal(trace.totalSeconds, 9);
  }
});

Deno.test("no header fields at all: no fields and no hops", () => {
  const trace = traceMessage(encode("just some pasted words\nand more\n"), { now: NOW });
  deepEqual([trace.fields.length, trace.hops.length], [0, 0]);
});

Deno.test("a missing Message-ID and a large delay are findings", () => {
  const late = HEADERS.slice(0, 5).join("\n").replace("10:00:09", "11:30:00");
  const codes = traceMessage(encode(late), { now: NOW }).findings.map((f) => f.code);
  ok(codes.includes("no-message-id"));
  ok(codes.includes("large-delay"));
});

Deno.test("property: random bytes never throw", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      traceMessage(bytes, { now: NOW });
    }),
    { numRuns: 1000 },
  );
  const lines = fc.array(
    fc.oneof(
      fc.constantFrom("Received: ", "Date: ", "Authentication-Results: ", "\t", " ", "From: "),
      fc.string({ maxLength: 40 }),
    ),
    { maxLength: 30 },
  );
  fc.assert(fc.property(lines, (parts) => void traceMessage(encode(parts.join("\n")))), {
    numRuns: 1000,
  });
});

Deno.test("reserved ranges (RFC 6890)", () => {
  deepEqual(
    ["10.1.2.3", "172.20.0.1", "192.168.1.1", "127.0.0.1", "100.64.0.1", "8.8.8.8"].map(
      reservedRange,
    ),
    [
      "private (RFC 1918)",
      "private (RFC 1918)",
      "private (RFC 1918)",
      "loopback",
      "shared address space (RFC 6598)",
      undefined,
    ],
  );
  deepEqual(
    ["::1", "fd00::1", "fe80::1", "2001:db8::1", "2a00:1450::1", "::ffff:10.0.0.1"].map(
      reservedRange,
    ),
    [
      "loopback",
      "unique local (RFC 4193)",
      "link-local",
      "documentation (RFC 3849)",
      undefined,
      "private (RFC 1918)",
    ],
  );
});

Deno.test("Authentication-Results (RFC 8601): authserv-id, methods, comments", () => {
  const results = parseAuthenticationResults(
    "mx.example.org 1; spf=pass (sender ok) smtp.mailfrom=a.example; dkim=fail header.d=a.example",
  );
  deepEqual(results.authservId, "mx.example.org");
  deepEqual(results.verdicts.map((v) => `${v.method}=${v.result}`), ["spf=pass", "dkim=fail"]);
  deepEqual(parseAuthenticationResults("mx.example.org; none").verdicts, []);
});

Deno.test("durations read as people read them", () => {
  deepEqual([4, 125, 3723, 90000, -12].map(formatDuration), [
    "4s",
    "2m 05s",
    "1h 02m",
    "1d 1h",
    "-12s",
  ]);
});

Deno.test("a HELO name that reverse DNS contradicts is reported", () => {
  const header = "Received: from mail.bank.example (dsl-1.isp.example [81.2.69.142]) " +
    "by mx.example.org with ESMTPS id 1; Mon, 16 Nov 2026 10:00:09 +0000\n";
  const findings = traceMessage(encode(header), { now: NOW }).findings;
  const found = findings.find((finding) => finding.code === "helo-mismatch");
  equal(found?.message, "hop 1: HELO mail.bank.example but reverse DNS says dsl-1.isp.example");
});

Deno.test("Received-SPF (RFC 7208 §9.1): result and keys, comments skipped", () => {
  deepEqual(
    parseReceivedSpf(
      'SoftFail (example.org: a=b; c) client-ip=81.2.69.142; envelope-from="a@b.example"; helo=x.example',
    ),
    { result: "softfail", clientIp: "81.2.69.142", envelopeFrom: "a@b.example", helo: "x.example" },
  );
});
