import assert from "node:assert/strict";
import {
  AddressSyntaxError,
  canonicalLocalPart,
  formatPath,
  type Mailbox5321,
  parsePath,
  type ParsePathOptions,
} from "../../lib/address/mod.ts";

const UTF8: ParsePathOptions = { smtputf8: true };

/** [input, options, canonical text, expected mailbox fields (a subset)] */
const VALID: [string, ParsePathOptions, string, Partial<Mailbox5321> | null][] = [
  ["<john@example.com>", {}, "john@example.com", {
    localPart: "john",
    domain: "example.com",
    asciiDomain: "example.com",
    unicodeDomain: "example.com",
    needsSmtputf8: false,
  }],
  ["john@example.com", {}, "john@example.com", { localPart: "john" }],
  ["<>", {}, "", null],
  ["", {}, "", null],
  ["<User@Example.COM>", {}, "User@Example.COM", {
    domain: "Example.COM",
    asciiDomain: "example.com",
  }],
  ["<a.b.c@x.y.z>", {}, "a.b.c@x.y.z", { localPart: "a.b.c" }],
  ["<!#$%&'*+-/=?^_`{|}~@x.test>", {}, "!#$%&'*+-/=?^_`{|}~@x.test", {}],
  ["<1.2@1.2.3.4>", {}, "1.2@1.2.3.4", { domain: "1.2.3.4" }],
  ["<a@b-c.d--e>", {}, "a@b-c.d--e", {}],
  // RFC 5321 §4.1.2, §C: source routes are accepted and ignored
  ["<@a,@b:user@c>", {}, "user@c", { localPart: "user", domain: "c" }],
  ["<@relay.example:user@c.example>", {}, "user@c.example", {}],
  // Quoted-string local parts, canonical form quoted only if needed
  ['<"john doe"@example.com>', {}, '"john doe"@example.com', { localPart: "john doe" }],
  ['<"john"@example.com>', {}, "john@example.com", { localPart: "john" }],
  ['<"a\\"b"@x>', {}, '"a\\"b"@x', { localPart: 'a"b' }],
  ['<"a\\b"@x>', {}, "ab@x", { localPart: "ab" }],
  ['<"a\\\\b"@x>', {}, '"a\\\\b"@x', { localPart: "a\\b" }],
  ['<""@x>', {}, '""@x', { localPart: "" }],
  ['<"a..b"@x>', {}, '"a..b"@x', { localPart: "a..b" }],
  ['<"@"@x>', {}, '"@"@x', { localPart: "@" }],
  // RFC 5321 §4.1.3 address literals
  ["<u@[192.0.2.1]>", {}, "u@[192.0.2.1]", {
    domain: "[192.0.2.1]",
    asciiDomain: "[192.0.2.1]",
    unicodeDomain: "[192.0.2.1]",
    addressLiteral: { kind: "ipv4", value: "192.0.2.1" },
  }],
  ["<u@[IPv6:2001:db8::1]>", {}, "u@[IPv6:2001:db8::1]", {
    addressLiteral: { kind: "ipv6", value: "2001:db8::1" },
  }],
  ["<u@[ipv6:::1]>", {}, "u@[ipv6:::1]", { addressLiteral: { kind: "ipv6", value: "::1" } }],
  ["<u@[IPv6:::]>", {}, "u@[IPv6:::]", {}],
  ["<u@[IPv6:1:2:3:4:5:6:7:8]>", {}, "u@[IPv6:1:2:3:4:5:6:7:8]", {}],
  ["<u@[IPv6:1:2:3:4:5:6:192.0.2.1]>", {}, "u@[IPv6:1:2:3:4:5:6:192.0.2.1]", {}],
  ["<u@[IPv6:::ffff:192.0.2.1]>", {}, "u@[IPv6:::ffff:192.0.2.1]", {}],
  ["<u@[IPv6:1:2:3:4::192.0.2.1]>", {}, "u@[IPv6:1:2:3:4::192.0.2.1]", {}],
  ["<u@[IPv6:1:2:3::4:5:6]>", {}, "u@[IPv6:1:2:3::4:5:6]", {}],
  ["<u@[x-tag:any+thing]>", {}, "u@[x-tag:any+thing]", {
    addressLiteral: { kind: "general", value: "x-tag:any+thing" },
  }],
  // RFC 5321 §4.1.1.3: RCPT TO:<Postmaster>
  ["<Postmaster>", { allowPostmaster: true }, "Postmaster", {
    localPart: "Postmaster",
    domain: "",
    asciiDomain: "",
    unicodeDomain: "",
  }],
  ["<postmaster>", { allowPostmaster: true }, "postmaster", { domain: "" }],
  ["<Postmaster@example.com>", { allowPostmaster: true }, "Postmaster@example.com", {}],
  // RFC 6531 §3.3: SMTPUTF8 local parts and U-labels; IDN through domainToASCII
  ["<用户@例え.テスト>", UTF8, "用户@例え.テスト", {
    localPart: "用户",
    domain: "例え.テスト",
    asciiDomain: "xn--r8jz45g.xn--zckzah",
    unicodeDomain: "例え.テスト",
    needsSmtputf8: true,
  }],
  ["<用户@example.com>", UTF8, "用户@example.com", { needsSmtputf8: true }],
  ["<user@Bücher.example>", UTF8, "user@Bücher.example", {
    asciiDomain: "xn--bcher-kva.example",
    unicodeDomain: "bücher.example",
    needsSmtputf8: true,
  }],
  ['<"用 户"@example.com>', UTF8, '"用 户"@example.com', { localPart: "用 户" }],
  ["<user@xn--r8jz45g.xn--zckzah>", {}, "user@xn--r8jz45g.xn--zckzah", {
    unicodeDomain: "例え.テスト",
    needsSmtputf8: false,
  }],
  ["<user@example.com>", UTF8, "user@example.com", { needsSmtputf8: false }],
  // RFC 5321 §4.5.3.1: limits reached exactly
  [`<${"l".repeat(64)}@x>`, {}, `${"l".repeat(64)}@x`, {}],
  [`<${"é".repeat(32)}@x>`, UTF8, `${"é".repeat(32)}@x`, {}],
  [`<a@${domainOf(252)}>`, {}, `a@${domainOf(252)}`, {}],
  [`a@${domainOf(252)}`, {}, `a@${domainOf(252)}`, {}],
  [`<${"l".repeat(64)}@${domainOf(189)}>`, {}, `${"l".repeat(64)}@${domainOf(189)}`, {}],
];

/** [input, options, error index, reason] */
const INVALID: [string, ParsePathOptions, number, string][] = [
  ["a@@b", {}, 2, 'unexpected "@"'],
  ["<a@b", {}, 4, "unexpected end of input"],
  ["<a@b>x", {}, 5, 'unexpected "x"'],
  ["a@b>", {}, 3, 'unexpected ">"'],
  ["<", {}, 1, "unexpected end of input"],
  ["<>", { allowNull: false }, 1, "null path not allowed"],
  ["", { allowNull: false }, 0, "null path not allowed"],
  ["< a@b>", {}, 1, 'unexpected " "'],
  ["<a b@c>", {}, 2, 'unexpected " "'],
  ["<a>", {}, 2, 'unexpected ">"'],
  ["<postmaster>", {}, 11, 'unexpected ">"'],
  ["<@a>", {}, 3, 'unexpected ">"'],
  // Dot-string
  ["<a..b@c>", {}, 3, 'unexpected "."'],
  ["<.a@c>", {}, 1, 'unexpected "."'],
  ["<a.@c>", {}, 3, 'unexpected "@"'],
  ["<@c>", {}, 3, 'unexpected ">"'],
  ["<a(b)@c>", {}, 2, 'unexpected "("'],
  // Quoted-string
  ['<"a@b>', {}, 1, "unterminated quoted string"],
  ['<"a\u0001"@b>', {}, 3, 'unexpected "\\u0001"'],
  ['<"a\tb"@b>', {}, 3, 'unexpected "\\t"'],
  ['<"a\\é"@b>', UTF8, 4, 'unexpected "é"'],
  ['<"a"b@c>', {}, 4, 'unexpected "b"'],
  // Domain
  ["<a@b.>", {}, 5, 'unexpected ">"'],
  ["<a@.b>", {}, 3, 'unexpected "."'],
  ["<a@-b>", {}, 3, 'unexpected "-"'],
  ["<a@b->", {}, 4, 'domain label ends with "-"'],
  ["<a@b_c>", {}, 4, 'unexpected "_"'],
  ["<a@>", {}, 3, 'unexpected ">"'],
  ["<a@b..c>", {}, 5, 'unexpected "."'],
  ["<a@xn--abc.com>", {}, 3, "invalid internationalized domain name"],
  ["<a@b.xn--zz>", {}, 5, "invalid internationalized domain name"],
  ["<a@x.a\u00a0b.com>", UTF8, 5, "domain label is not valid in A-label form"],
  ["<a@x.\u200d>", UTF8, 5, "invalid internationalized domain name"],
  // Source routes
  ["<@a,b:u@c>", {}, 4, 'unexpected "b"'],
  ["<@a u@c>", {}, 3, 'unexpected " "'],
  ["<@:u@c>", {}, 2, 'unexpected ":"'],
  ["<@a:>", {}, 4, 'unexpected ">"'],
  ["<@a,@b>", {}, 6, 'unexpected ">"'],
  // Address literals
  ["<u@[1.2.3]>", {}, 9, 'unexpected "]"'],
  ["<u@[1.2.3.4.5]>", {}, 11, 'unexpected "."'],
  ["<u@[256.1.1.1]>", {}, 4, "IPv4 address part greater than 255"],
  ["<u@[1.2.3.1234]>", {}, 13, 'unexpected "4"'],
  ["<u@[abc]>", {}, 4, 'unexpected "a"'],
  ["<u@[]>", {}, 4, 'unexpected "]"'],
  ["<u@[1.2.3.4>", {}, 11, 'unexpected ">"'],
  ["<u@[1.2.3.4]x>", {}, 12, 'unexpected "x"'],
  ["<u@[a b]>", {}, 5, 'unexpected " "'],
  ["<u@[IPv6:1:2:3:4:5:6:7]>", {}, 22, 'IPv6 address needs 8 groups or "::"'],
  ["<u@[IPv6:1:2:3:4:5:6:7:8:9]>", {}, 25, "too many groups in IPv6 address"],
  ["<u@[IPv6:1:2:3:4:5:6:7::]>", {}, 22, "too many groups in IPv6 address"],
  ["<u@[IPv6:1::2:3:4:5:6:7]>", {}, 22, "too many groups in IPv6 address"],
  ["<u@[IPv6:1:2:3:4:5::1.2.3.4]>", {}, 20, "too many groups in IPv6 address"],
  ["<u@[IPv6:1::2::3]>", {}, 14, 'unexpected ":"'],
  ["<u@[IPv6:12345::]>", {}, 13, 'unexpected "5"'],
  ["<u@[IPv6::1]>", {}, 9, 'unexpected ":"'],
  ["<u@[IPv6:1:]>", {}, 11, 'unexpected "]"'],
  ["<u@[IPv6:g::1]>", {}, 9, 'unexpected "g"'],
  ["<u@[IPv6:::1.2.3]>", {}, 16, 'unexpected "]"'],
  ["<u@[IPv6:::1.2.3.4:1]>", {}, 18, 'unexpected ":"'],
  ["<u@[IPv6:1.2.3.4]>", {}, 16, 'IPv6 address needs 8 groups or "::"'],
  ["<u@[:x]>", {}, 4, 'unexpected ":"'],
  ["<u@[x-:y]>", {}, 6, 'unexpected ":"'],
  ["<u@[x_y:z]>", {}, 5, 'unexpected "_"'],
  ["<u@[x:]>", {}, 6, 'unexpected "]"'],
  // RFC 6531 §3.3: UTF-8 only with SMTPUTF8
  ["<用户@example.com>", {}, 1, 'non-ASCII "用" needs SMTPUTF8'],
  ["<a@例え.テスト>", {}, 3, 'non-ASCII "例" needs SMTPUTF8'],
  ['<"用户"@example.com>', {}, 2, 'non-ASCII "用" needs SMTPUTF8'],
  ["<@例え:a@b>", {}, 2, 'non-ASCII "例" needs SMTPUTF8'],
  ["<a@b.c\u00e9>", {}, 6, 'non-ASCII "é" needs SMTPUTF8'],
  // RFC 5321 §4.5.3.1: limits
  [`<${"l".repeat(65)}@x>`, {}, 65, "local part longer than 64 octets"],
  [`<${"é".repeat(33)}@x>`, UTF8, 33, "local part longer than 64 octets"],
  [`<"${"l".repeat(63)}"@x>`, {}, 65, "local part longer than 64 octets"],
  [`<a@${domainOf(256)}>`, {}, 258, "domain longer than 255 octets"],
  [`<a@${"d".repeat(64)}.x>`, {}, 66, "domain label longer than 63 octets"],
  [`<a@${"ü".repeat(60)}.x>`, UTF8, 3, "domain label is not valid in A-label form"],
  [`<${"l".repeat(64)}@${domainOf(190)}>`, {}, 255, "path longer than 256 octets"],
  [`${"l".repeat(64)}@${domainOf(190)}`, {}, 254, "path longer than 256 octets"],
];

/** A domain of exactly `n` octets: a short label, then labels of 49 octets. */
function domainOf(n: number): string {
  const k = Math.floor((n - 1) / 50);
  return "d".repeat(n - 50 * k) + `.${"d".repeat(49)}`.repeat(k);
}

Deno.test("parsePath accepts valid paths", async (t) => {
  for (const [input, options, text, fields] of VALID) {
    await t.step(`${JSON.stringify(input).slice(0, 60)}`, () => {
      const path = parsePath(input, options);
      assert.equal(path.text, text);
      if (fields === null) return assert.equal(path.mailbox, null);
      assert.ok(path.mailbox);
      for (const [key, value] of Object.entries(fields)) {
        assert.deepEqual(path.mailbox[key as keyof Mailbox5321], value, key);
      }
    });
  }
});

Deno.test("parsePath rejects invalid paths at the offending character", async (t) => {
  for (const [input, options, index, reason] of INVALID) {
    await t.step(`${JSON.stringify(input).slice(0, 60)}`, () => {
      assert.throws(() => parsePath(input, options), (e) => {
        assert.ok(e instanceof AddressSyntaxError);
        assert.equal(e.name, "AddressSyntaxError");
        assert.equal(e.input, input);
        assert.deepEqual([e.index, e.reason], [index, reason]);
        assert.equal(e.message, `invalid address ${JSON.stringify(input)}: ${reason} at ${index}`);
        return true;
      });
    });
  }
});

Deno.test("formatPath gives the canonical path in brackets", () => {
  assert.equal(formatPath(parsePath("<>")), "<>");
  assert.equal(formatPath(parsePath('@a:"ab"@x.test')), "<ab@x.test>");
  assert.equal(formatPath(parsePath('"a b"@x.test')), '<"a b"@x.test>');
});

Deno.test("canonicalLocalPart quotes only what is not a dot-string", () => {
  assert.equal(canonicalLocalPart("john.doe"), "john.doe");
  assert.equal(canonicalLocalPart("用户"), "用户");
  assert.equal(canonicalLocalPart("john doe"), '"john doe"');
  assert.equal(canonicalLocalPart(".john"), '".john"');
  assert.equal(canonicalLocalPart("a..b"), '"a..b"');
  assert.equal(canonicalLocalPart(""), '""');
  assert.equal(canonicalLocalPart('a"b\\c'), '"a\\"b\\\\c"');
  assert.throws(() => canonicalLocalPart("a\r\nb"), AddressSyntaxError);
});
