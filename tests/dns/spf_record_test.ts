import { deepEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import fc from "fast-check";
import { expandDomainSpec, isSpfRecord, parseSpf } from "../../lib/dns/spf_record.ts";

Deno.test("picks SPF records by their version term only (RFC 7208 §4.5)", () => {
  assertEquals(["v=spf1", "V=SPF1 -all", "v=spf10", "v=spf1-all", "x v=spf1"].map(isSpfRecord), [
    true,
    true,
    false,
    false,
    false,
  ]);
});

Deno.test("parses qualifiers, mechanisms with and without domains, CIDR, modifiers", () => {
  const record = parseSpf(
    "v=spf1  a/24 mx:mail.example.com ~include:_spf.x.test ip4:192.0.2.0/24 redirect=r.test -all",
  );
  assertEquals(record.error, undefined);
  assertEquals(record.terms, [
    { kind: "mechanism", qualifier: "+", name: "a", value: undefined },
    { kind: "mechanism", qualifier: "+", name: "mx", value: "mail.example.com" },
    { kind: "mechanism", qualifier: "~", name: "include", value: "_spf.x.test" },
    { kind: "mechanism", qualifier: "+", name: "ip4", value: "192.0.2.0/24" },
    { kind: "modifier", name: "redirect", value: "r.test" },
    { kind: "mechanism", qualifier: "-", name: "all", value: undefined },
  ]);
});

Deno.test("syntax errors are reported, not thrown", () => {
  for (
    const [text, error] of [
      ["v=spf1 foo -all", /unknown term "foo"/],
      ["v=spf1 include -all", /needs ":"/],
      ["v=spf1 ip4:300.1 -all", /not an IPv4 network/],
      ["v=spf1 all:x", /takes no argument/],
      ["v=spf1 redirect=a.test redirect=b.test", /more than once/],
    ] as const
  ) assertMatch(parseSpf(text).error ?? "", error, text);
});

Deno.test("domain-spec macros: %{d} expands, sender macros make it unknowable", () => {
  assertEquals(expandDomainSpec("_spf.%{d}", "example.com"), "_spf.example.com");
  assertEquals(expandDomainSpec("%{i}._ip.%{d}", "example.com"), undefined);
  assertEquals(expandDomainSpec("a%%b.test.", "x"), "a%b.test");
});

Deno.test("parseSpf never throws and every term it keeps is a known kind (property)", () => {
  const word = fc.constantFrom(
    "a",
    "mx",
    "-all",
    "~all",
    "include:x.test",
    "ip4:1.2.3.4/8",
    "redirect=r.test",
    "exp=e",
    "foo",
    "a/24",
    "ptr",
    "+",
    "=",
    ":",
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(word, fc.string()), { maxLength: 12 }), (words) => {
      const record = parseSpf(["v=spf1", ...words].join(" "));
      for (const term of record.terms) {
        assertEquals(["mechanism", "modifier"].includes(term.kind), true);
      }
    }),
  );
});
