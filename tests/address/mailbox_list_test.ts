import assert from "node:assert/strict";
import {
  type AddressListEntry,
  AddressSyntaxError,
  canonicalLocalPart,
  formatMailbox,
  type Mailbox,
  parseAddressList,
  parseMailbox,
} from "../../lib/address/mod.ts";

/** A mailbox as parseAddressList returns it; `address` is derived from the parts. */
function mb(localPart: string, domain: string, name?: string, comment?: string): Mailbox {
  return {
    ...(name !== undefined ? { name } : {}),
    address: `${canonicalLocalPart(localPart)}@${domain}`,
    localPart,
    domain,
    ...(comment !== undefined ? { comment } : {}),
  };
}

/** RFC 5322 Appendix A: [section, field body, expected]. */
const APPENDIX_A: [string, string, AddressListEntry[]][] = [
  ["A.1.1 From", "John Doe <jdoe@machine.example>", [
    mb("jdoe", "machine.example", "John Doe"),
  ]],
  ["A.1.1 Sender", "Michael Jones <mjones@machine.example>", [
    mb("mjones", "machine.example", "Michael Jones"),
  ]],
  ["A.1.1 To", "Mary Smith <mary@example.net>", [mb("mary", "example.net", "Mary Smith")]],
  ["A.1.2 From", '"Joe Q. Public" <john.q.public@example.com>', [
    mb("john.q.public", "example.com", "Joe Q. Public"),
  ]],
  ["A.1.2 To", "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", [
    mb("mary", "x.test", "Mary Smith"),
    mb("jdoe", "example.org"),
    mb("one", "y.test", "Who?"),
  ]],
  ["A.1.2 Cc", '<boss@nil.test>, "Giant; \\"Big\\" Box" <sysservices@example.net>', [
    mb("boss", "nil.test"),
    mb("sysservices", "example.net", 'Giant; "Big" Box'),
  ]],
  ["A.1.3 From", "Pete <pete@silly.example>", [mb("pete", "silly.example", "Pete")]],
  ["A.1.3 To", "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;", [{
    group: "A Group",
    members: [
      mb("c", "a.test", "Ed Jones"),
      mb("joe", "where.test"),
      mb("jdoe", "one.test", "John"),
    ],
  }]],
  ["A.1.3 Cc", "Undisclosed recipients:;", [{ group: "Undisclosed recipients", members: [] }]],
  ["A.2 Reply-To", '"Mary Smith: Personal Account" <smith@home.example>', [
    mb("smith", "home.example", "Mary Smith: Personal Account"),
  ]],
  ["A.3 Resent-To", "Jane Brown <j-brown@other.example>", [
    mb("j-brown", "other.example", "Jane Brown"),
  ]],
  ["A.4 From", "John Doe <jdoe@node.example>", [mb("jdoe", "node.example", "John Doe")]],
  ["A.5 From", "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", [
    mb("pete", "silly.test", "Pete"),
  ]],
  [
    "A.5 To",
    "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n" +
    "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
    [{
      group: "A Group",
      members: [
        mb("c", "public.example", "Chris Jones"),
        mb("joe", "example.org"),
        mb("jdoe", "one.test", "John", "my dear friend"),
      ],
    }],
  ],
  ["A.5 Cc", "(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", [
    { group: "Hidden recipients", members: [] },
  ]],
  ["A.6.1 From", "Joe Q. Public <john.q.public@example.com>", [
    mb("john.q.public", "example.com", "Joe Q. Public"),
  ]],
  ["A.6.1 To", "Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example", [
    mb("mary", "example.net", "Mary Smith"),
    mb("jdoe", "test.example"),
  ]],
  ["A.6.3 From", " John Doe <jdoe@machine(comment).  example>", [
    mb("jdoe", "machine.example", "John Doe"),
  ]],
  ["A.6.3 To", " Mary Smith\r\n  \r\n          <mary@example.net>", [
    mb("mary", "example.net", "Mary Smith"),
  ]],
];

/** More valid lists: [description, field body, expected]. */
const VALID: [string, string, AddressListEntry[]][] = [
  ["quoted name with comma", '"Doe, John" <j@x.test>', [mb("j", "x.test", "Doe, John")]],
  ["comment as name", "doe@host.domain (John Doe)", [
    mb("doe", "host.domain", "John Doe", "John Doe"),
  ]],
  ["comment after angle-addr", "<a@x> (Johnny)", [mb("a", "x", "Johnny", "Johnny")]],
  ["comment inside name ignored", "John (Johnny) <a@x>", [mb("a", "x", "John")]],
  ["several comments", "a@x (one) ( ) (two)", [mb("a", "x", "one two", "one two")]],
  ["nested comment with escapes", "a@x (nested (comment) \\(x\\))", [
    mb("a", "x", "nested (comment) (x)", "nested (comment) (x)"),
  ]],
  ["empty elements", ",a@x,,b@y,", [mb("a", "x"), mb("b", "y")]],
  ["empty field", "", []],
  ["only CFWS", "  (nobody) \r\n ", []],
  ["trailing CRLF", "a@x,\r\n b@y\r\n", [mb("a", "x"), mb("b", "y")]],
  ["bare LF fold", "John\n Doe <a@x>", [mb("a", "x", "John Doe")]],
  ["folded name", "John\r\n\tDoe <a@x>", [mb("a", "x", "John Doe")]],
  ["folded quoted string", '"folded\r\n quoted" <a@x>', [mb("a", "x", "folded quoted")]],
  ["quoted words joined", '"a" "b"<a@x>', [mb("a", "x", "a b")]],
  ["empty quoted name", '"" <a@x>', [mb("a", "x")]],
  ["spaces in quoted name kept", '"  two  spaces " <a@x>', [mb("a", "x", "  two  spaces ")]],
  ["obs-local-part", "john . doe @ example . com", [mb("john.doe", "example.com")]],
  ["quoted local part", '"john doe"@x.test', [mb("john doe", "x.test")]],
  ["quoted local part, not needed", '"john"@x.test', [mb("john", "x.test")]],
  ["quoted-pair in local part", '"j\\"d"@x', [mb('j"d', "x")]],
  ["obs-local-part mixing words", '"a b".c@x', [mb("a b.c", "x")]],
  ["domain literal", "a@[192.0.2.1]", [mb("a", "[192.0.2.1]")]],
  ["domain literal with FWS", "a@[ IPv6:::1 ]", [mb("a", "[IPv6:::1]")]],
  ["domain literal obs-dtext", "a@[x\\]y]", [mb("a", "[x\\]y]")]],
  ["obs-route", "<@route1,@route2:user@x>", [mb("user", "x")]],
  ["obs-route with empty elements", "<,@a,,@b,:u@x>", [mb("u", "x")]],
  ["raw UTF-8 (RFC 6532)", "Jöhn Dœ <jöhn@exämple.test>", [
    mb("jöhn", "exämple.test", "Jöhn Dœ"),
  ]],
  ["UTF-8 in quoted name", '"Dœ, 用户" <a@x>', [mb("a", "x", "Dœ, 用户")]],
  ["encoded-word kept", "=?utf-8?q?J=C3=B6hn?= <j@x.test>", [
    mb("j", "x.test", "=?utf-8?q?J=C3=B6hn?="),
  ]],
  ["quoted encoded-word kept", '"=?utf-8?B?SsO2aG4=?=" <j@x.test>', [
    mb("j", "x.test", "=?utf-8?B?SsO2aG4=?="),
  ]],
  ["group without ;", "undisclosed-recipients:", [{
    group: "undisclosed-recipients",
    members: [],
  }]],
  ["obs-group-list", "g: , a@x ,, ;", [{ group: "g", members: [mb("a", "x")] }]],
  ["group then mailbox", "g: a@x;, b@y", [{ group: "g", members: [mb("a", "x")] }, mb("b", "y")]],
];

/** [field body, index, reason] */
const INVALID: [string, number, string][] = [
  ["a@@b", 2, 'unexpected "@"'],
  ["a@x b@y", 4, 'unexpected "b"'],
  ["Doe, John <j@x>", 3, 'unexpected ","'],
  ["(unclosed a@x", 0, "unterminated comment"],
  ["a@x (a (b)", 4, "unterminated comment"],
  ['"unclosed <a@x>', 0, "unterminated quoted string"],
  ["John Smith", 10, "unexpected end of input"],
  ["John Smith@x.test", 5, 'unexpected "S"'],
  ["a.@x", 2, 'unexpected "@"'],
  ["a..b@x", 2, 'unexpected "."'],
  [".a@x", 0, 'unexpected "."'],
  [". John <a@x>", 0, 'unexpected "."'],
  ["<a@x", 4, "unexpected end of input"],
  ["<a@x> b@y", 6, 'unexpected "b"'],
  ["<a@x>>", 5, 'unexpected ">"'],
  ["John <>", 6, 'unexpected ">"'],
  ["John <a>", 7, 'unexpected ">"'],
  ["@x", 0, 'unexpected "@"'],
  ["a@", 2, "unexpected end of input"],
  ["a@x.", 4, "unexpected end of input"],
  ["a@x;", 3, 'unexpected ";"'],
  ["a@[x", 2, "unterminated domain literal"],
  ["a@[x[y]", 4, 'unexpected "["'],
  ["g: a@x, h: b@y;", 9, "group not allowed here"],
  ["g: a@x b@y;", 7, 'unexpected "b"'],
  ["g: a@x; b@y", 8, 'unexpected "b"'],
  [":;", 0, 'unexpected ":"'],
  ["a@x\r\nb@y", 3, 'unexpected "\\r"'],
  ["a@x\rb@y", 3, 'unexpected "\\r"'],
  ["a\u0000@x", 1, 'unexpected "\\u0000"'],
  ['"a\\\u0001"@x', 3, 'unexpected "\\u0001"'],
  ['"a\u007f"@x', 2, 'unexpected "\u007f"'],
  ["a@x (\u0007)", 5, 'unexpected "\\u0007"'],
  ["<@a@b:c@d>", 3, 'unexpected "@"'],
  ["<@a c@d>", 4, 'unexpected "c"'],
  ["<:c@d>", 1, 'unexpected ":"'],
];

Deno.test("parseAddressList: RFC 5322 Appendix A", async (t) => {
  for (const [section, body, expected] of APPENDIX_A) {
    await t.step(section, () => assert.deepEqual(parseAddressList(body), expected));
  }
});

Deno.test("parseAddressList: valid lists", async (t) => {
  for (const [what, body, expected] of VALID) {
    await t.step(what, () => assert.deepEqual(parseAddressList(body), expected));
  }
});

Deno.test("parseAddressList: errors point at the offending character", async (t) => {
  for (const [body, index, reason] of INVALID) {
    await t.step(JSON.stringify(body), () => {
      assert.throws(() => parseAddressList(body), (e) => {
        assert.ok(e instanceof AddressSyntaxError);
        assert.deepEqual([e.input, e.index, e.reason], [body, index, reason]);
        return true;
      });
    });
  }
});

Deno.test("parseMailbox: one mailbox, no group, nothing after it", () => {
  assert.deepEqual(parseMailbox("  John <a@x> "), mb("a", "x", "John"));
  assert.deepEqual(parseMailbox("doe@host.domain (John Doe)"), {
    name: "John Doe",
    address: "doe@host.domain",
    localPart: "doe",
    domain: "host.domain",
    comment: "John Doe",
  });
  const fails: [string, number, string][] = [
    ["a@x, b@y", 3, 'unexpected ","'],
    ["", 0, "unexpected end of input"],
    ["g:;", 1, "group not allowed here"],
    ["a@x;", 3, 'unexpected ";"'],
  ];
  for (const [body, index, reason] of fails) {
    assert.throws(() => parseMailbox(body), (e) => {
      assert.ok(e instanceof AddressSyntaxError);
      assert.deepEqual([e.index, e.reason], [index, reason]);
      return true;
    });
  }
});

Deno.test("formatMailbox quotes the display name and local part only when needed", () => {
  const cases: [Mailbox, string][] = [
    [mb("j", "x.test", "John Doe"), "John Doe <j@x.test>"],
    [mb("j", "x.test", "Doe, John"), '"Doe, John" <j@x.test>'],
    [mb("j", "x.test", "Joe Q. Public"), '"Joe Q. Public" <j@x.test>'],
    [mb("j", "x.test", 'Giant; "Big" Box'), '"Giant; \\"Big\\" Box" <j@x.test>'],
    [mb("j", "x.test", "back\\slash"), '"back\\\\slash" <j@x.test>'],
    [mb("j", "x.test", " lead"), '" lead" <j@x.test>'],
    [mb("j", "x.test", "two  spaces"), '"two  spaces" <j@x.test>'],
    [mb("j", "x.test", "Jöhn Dœ"), "Jöhn Dœ <j@x.test>"],
    [mb("j", "x.test", "=?utf-8?q?J=C3=B6hn?="), "=?utf-8?q?J=C3=B6hn?= <j@x.test>"],
    [mb("john doe", "x.test"), '"john doe"@x.test'],
    [mb("j", "x.test", ""), "j@x.test"],
    [mb("a", "[192.0.2.1]", "Lit"), "Lit <a@[192.0.2.1]>"],
    [mb("a", "x", "C", "a comment"), "C <a@x>"],
  ];
  for (const [mailbox, text] of cases) assert.equal(formatMailbox(mailbox), text);
  assert.throws(() => formatMailbox(mb("j", "x", "Evil\r\nBcc: x@y")), (e) => {
    assert.ok(e instanceof AddressSyntaxError);
    assert.equal(e.index, 4);
    return true;
  });
});
