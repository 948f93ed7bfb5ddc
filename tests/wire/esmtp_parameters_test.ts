import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type EsmtpParameters,
  formatEsmtpParameters,
  parseEsmtpParameters,
} from "../../lib/wire/esmtp_parameters.ts";
import { CommandSyntaxError } from "../../lib/wire/errors.ts";

Deno.test("parses every known parameter, keywords case-insensitive", () => {
  assert.deepEqual(
    parseEsmtpParameters(
      "size=42 Body=binarymime SMTPUTF8 RET=full ENVID=QQ+2B1 NOTIFY=delay,Failure " +
        "ORCPT=rfc822;Bob+40x AUTH=<> XFOO XBAR=baz",
    ),
    {
      size: 42,
      body: "BINARYMIME",
      smtputf8: true,
      ret: "FULL",
      envid: "QQ+1",
      notify: ["DELAY", "FAILURE"],
      orcpt: { addrType: "rfc822", address: "Bob@x" },
      auth: "<>",
      other: new Map<string, string | true>([["XFOO", true], ["XBAR", "baz"]]),
    },
  );
  assert.deepEqual(parseEsmtpParameters(""), { other: new Map() });
  assert.deepEqual(parseEsmtpParameters("  \t "), { other: new Map() });
});

Deno.test("bad values throw CommandSyntaxError naming the keyword", () => {
  const cases: [string, RegExp][] = [
    ["SIZE=12a", /SIZE/],
    ["SIZE=-1", /SIZE/],
    ["SIZE", /SIZE/],
    ["SIZE=99999999999999999999", /SIZE/],
    ["BODY=9BIT", /BODY/],
    ["SMTPUTF8=yes", /SMTPUTF8/],
    ["RET=ALL", /RET/],
    ["ENVID=a+zz", /ENVID/],
    ["ENVID", /ENVID/],
    ["NOTIFY=NEVER,SUCCESS", /NOTIFY/],
    ["NOTIFY=", /NOTIFY/],
    ["NOTIFY=SUCCESS,", /NOTIFY/],
    ["ORCPT=nosemicolon", /ORCPT/],
    ["ORCPT=;a@b", /ORCPT/],
    ["AUTH=a+4", /AUTH/],
    ["SIZE=1 size=2", /Duplicate parameter: SIZE/],
    ["X-=a=b", /X-/],
    ["-X", /-X/],
    ["X\u0001", /X/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseEsmtpParameters(text), CommandSyntaxError, text);
    assert.throws(() => parseEsmtpParameters(text), message, text);
  }
});

Deno.test("formats with xtext where needed", () => {
  assert.equal(
    formatEsmtpParameters({
      size: 1,
      body: "8BITMIME",
      smtputf8: true,
      ret: "HDRS",
      envid: "a b",
      notify: ["NEVER"],
      orcpt: { addrType: "rfc822", address: "x+y@z" },
      auth: "<>",
      other: new Map<string, string | true>([["XA", true], ["XB", "1"]]),
    }),
    "SIZE=1 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=a+20b NOTIFY=NEVER ORCPT=rfc822;x+2By@z " +
      "AUTH=<> XA XB=1",
  );
  assert.equal(formatEsmtpParameters({ other: new Map() }), "");
});

const xtextish = fc.string({ unit: "binary", maxLength: 20 });
const paramsArb: fc.Arbitrary<EsmtpParameters> = fc.record({
  size: fc.option(fc.nat(), { nil: undefined }),
  body: fc.option(fc.constantFrom("7BIT", "8BITMIME", "BINARYMIME"), { nil: undefined }),
  smtputf8: fc.option(fc.constant(true), { nil: undefined }),
  ret: fc.option(fc.constantFrom("FULL", "HDRS"), { nil: undefined }),
  envid: fc.option(xtextish.filter((s) => s !== ""), { nil: undefined }),
  notify: fc.option(
    fc.oneof(
      fc.constant(["NEVER" as const]),
      fc.subarray(["SUCCESS" as const, "FAILURE" as const, "DELAY" as const], { minLength: 1 }),
    ),
    { nil: undefined },
  ),
  orcpt: fc.option(
    fc.record({ addrType: fc.constantFrom("rfc822", "utf-8", "X-X400"), address: xtextish }),
    { nil: undefined },
  ),
  auth: fc.option(fc.oneof(fc.constant("<>"), xtextish.filter((s) => s !== "")), {
    nil: undefined,
  }),
  other: fc.uniqueArray(
    fc.tuple(
      fc.stringMatching(/^X[A-Z0-9-]{0,6}$/),
      fc.oneof(fc.constant(true as const), fc.stringMatching(/^[!-<>-~]{1,8}$/)),
    ),
    { selector: ([k]) => k, maxLength: 3 },
  ).map((entries) => new Map<string, string | true>(entries)),
}, { requiredKeys: ["other"] }).map((p) => {
  const plain: EsmtpParameters = { other: p.other };
  for (const [k, v] of Object.entries(p)) if (v !== undefined) Object.assign(plain, { [k]: v });
  if (plain.orcpt) plain.orcpt = { ...plain.orcpt };
  return plain;
});

Deno.test("property: parse(format(params)) is the params", () => {
  fc.assert(
    fc.property(paramsArb, (params) => {
      assert.deepEqual(parseEsmtpParameters(formatEsmtpParameters(params)), params);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("property: garbage only ever throws CommandSyntaxError", () => {
  const unit = fc.oneof(
    fc.constantFrom("SIZE", "BODY", "NOTIFY", "ORCPT", "ENVID", "AUTH", "RET", "SMTPUTF8"),
    fc.constantFrom("=", " ", ",", ";", "+", "NEVER", "FULL", "1", "+4"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 2 }),
  );
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 12 }), (text) => {
      try {
        parseEsmtpParameters(text);
      } catch (e) {
        assert.ok(e instanceof CommandSyntaxError, String(e));
      }
    }),
    { numRuns: 3000 },
  );
});

Deno.test("an exact repeat of a parameter is taken once (Python smtplib repeats SMTPUTF8)", () => {
  const params = parseEsmtpParameters("SMTPUTF8 SMTPUTF8 SIZE=10 size=10");
  assert.equal(params.smtputf8, true);
  assert.equal(params.size, 10);
  assert.throws(() => parseEsmtpParameters("SIZE=10 SIZE=11"), /Duplicate parameter: SIZE/);
});
