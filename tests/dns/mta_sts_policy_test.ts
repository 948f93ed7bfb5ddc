import { deepEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import fc from "fast-check";
import {
  judgeMtaStsPolicy,
  type MtaStsPolicy,
  MtaStsPolicyError,
  mxPatternMatches,
  parseMtaStsPolicy,
} from "../../lib/dns/mta_sts_policy.ts";

const POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.Example.NET\r\n" +
  "max_age: 604800\r\n";

Deno.test("parseMtaStsPolicy reads every field, mx repeated and lower-cased, CRLF or LF", () => {
  const expected: MtaStsPolicy = {
    version: "STSv1",
    mode: "enforce",
    maxAge: 604800,
    mx: ["mx1.example.com", "*.example.net"],
  };
  assertEquals(parseMtaStsPolicy(POLICY), expected);
  assertEquals(parseMtaStsPolicy(POLICY.replaceAll("\r\n", "\n") + "future_key: x\n"), expected);
});

Deno.test("parseMtaStsPolicy refuses a wrong version, mode or max_age, and mx-less enforce", () => {
  const without = (line: string) => POLICY.replace(line, "");
  for (
    const text of [
      without("version: STSv1\r\n"),
      POLICY.replace("STSv1", "STSv2"),
      POLICY.replace("enforce", "strict"),
      without("max_age: 604800\r\n"),
      POLICY.replace("604800", "31557601"),
      POLICY.replace("604800", "-1"),
      without("mx: mx1.example.com\r\n").replace("mx: *.Example.NET\r\n", ""),
    ]
  ) {
    assertThrows(() => parseMtaStsPolicy(text), MtaStsPolicyError, text);
  }
  // RFC 8461 §3.2: a mode none policy needs no mx
  assertEquals(
    parseMtaStsPolicy("version: STSv1\nmode: none\nmax_age: 86400\n").mx,
    [],
  );
});

Deno.test("mxPatternMatches: exact names ignoring case and a final dot; *. is one label", () => {
  assertEquals(mxPatternMatches("mx1.example.com", "MX1.example.com."), true);
  assertEquals(mxPatternMatches("mx1.example.com", "mx2.example.com"), false);
  assertEquals(mxPatternMatches("*.example.com", "mx1.example.com"), true);
  assertEquals(mxPatternMatches("*.example.com", "example.com"), false);
  assertEquals(mxPatternMatches("*.example.com", "a.b.example.com"), false);
  assertEquals(mxPatternMatches("*.example.com", "mx1.example.org"), false);
});

Deno.test("mxPatternMatches: a wildcard matches any one label in front of its base", () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
  fc.assert(fc.property(label, label, (left, middle) => {
    assertEquals(mxPatternMatches("*.example.com", `${left}.example.com`), true);
    assertEquals(mxPatternMatches("*.example.com", `${left}.${middle}.example.com`), false);
  }));
});

const codes = (policy: MtaStsPolicy, names: string[]) =>
  judgeMtaStsPolicy(policy, names).map((f) => `${f.severity} ${f.code}`);

Deno.test("judgeMtaStsPolicy: enforce and testing against the MX names; none is a warning", () => {
  const enforce = parseMtaStsPolicy(POLICY);
  assertEquals(codes(enforce, ["mx1.example.com", "mail.example.net"]), ["ok mta-sts-policy"]);
  assertEquals(codes(enforce, ["mx1.example.com", "mx9.example.com"]), [
    "error mta-sts-mx-unmatched",
  ]);
  const testing = { ...enforce, mode: "testing" as const };
  assertEquals(codes(testing, ["mx9.example.com"]), [
    "warning mta-sts-mx-unmatched",
    "warning mta-sts-mode-testing",
  ]);
  assertEquals(codes({ ...enforce, mode: "none" }, ["mx9.example.com"]), [
    "warning mta-sts-mode-none",
  ]);
  assertEquals(codes({ ...enforce, maxAge: 300 }, ["mx1.example.com"]), [
    "warning mta-sts-short-max-age",
    "ok mta-sts-policy",
  ]);
});
