import { deepEqual, ok } from "node:assert/strict";
import { traceMessage } from "../../lib/trace/mod.ts";
import { caseNames, FIXTURES, NOW, summary } from "./fixture_cases.ts";

const MTAS = [
  "postfix",
  "exim",
  "sendmail",
  "qmail",
  "exchange",
  "gmail",
  "amazon_ses",
  "haraka",
  "postie",
  "udel",
];

Deno.test("the corpus has a case for every MTA form, each with a readme and an expectation", () => {
  const names = caseNames();
  for (const name of MTAS) ok(names.includes(name), name);
  for (const name of names) {
    ok(Deno.readTextFileSync(new URL(`${name}.readme`, FIXTURES)).trim().split("\n").length === 1);
    ok(Deno.statSync(new URL(`${name}.expected.json`, FIXTURES)).isFile, name);
  }
});

for (const name of caseNames()) {
  Deno.test(`fixture ${name}: hops, delays and findings as expected`, () => {
    const trace = traceMessage(Deno.readFileSync(new URL(`${name}.eml`, FIXTURES)), { now: NOW });
    const expected = JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, FIXTURES)));
    deepEqual(JSON.parse(JSON.stringify(summary(trace))), expected);
  });
}

Deno.test("the University of Delaware example: two Postfix hops, SMTP then ESMTP", () => {
  const trace = traceMessage(Deno.readFileSync(new URL("udel.eml", FIXTURES)), { now: NOW });
  deepEqual(trace.hops.map((hop) => [hop.received.by, hop.received.with, hop.delaySeconds]), [
    ["mail.udel.edu", "SMTP", 2],
    ["smtp.udel.edu", "ESMTP", 2],
  ]);
  deepEqual(trace.totalSeconds, 4);
});
