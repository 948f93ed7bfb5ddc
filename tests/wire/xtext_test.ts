import assert from "node:assert/strict";
import fc from "fast-check";
import { xtextDecode, xtextEncode } from "../../lib/wire/xtext.ts";
import { CommandSyntaxError } from "../../lib/wire/errors.ts";

Deno.test("xtextDecode decodes +HH and keeps plain xchars", () => {
  assert.equal(xtextDecode("rfc822;a+2Bb@example.org"), "rfc822;a+b@example.org");
  assert.equal(xtextDecode("QQ+3D+3d"), "QQ==");
  assert.equal(xtextDecode("<>"), "<>");
  assert.equal(xtextDecode("+C3+A9t+C3+A9"), "été");
  assert.equal(xtextDecode("été"), "été");
  assert.equal(xtextDecode(""), "");
});

Deno.test("xtextDecode rejects malformed xtext with a position", () => {
  for (
    const [bad, position] of [["a+", 1], ["a+4", 1], ["+G0", 0], ["a=b", 1], ["a b", 1]] as const
  ) {
    const error = (() => {
      try {
        xtextDecode(bad);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof CommandSyntaxError, bad);
    assert.equal(error.position, position, bad);
  }
});

Deno.test("xtextEncode escapes +, =, blanks, controls and non-ASCII", () => {
  assert.equal(xtextEncode("a+b=c"), "a+2Bb+3Dc");
  assert.equal(xtextEncode("a b\x00"), "a+20b+00");
  assert.equal(xtextEncode("é"), "+C3+A9");
  assert.equal(xtextEncode("user@example.org"), "user@example.org");
});

Deno.test("property: xtextDecode(xtextEncode(s)) === s and the encoding is plain xtext", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
      const encoded = xtextEncode(s);
      assert.match(encoded, /^[!-~]*$/);
      assert.doesNotMatch(encoded, /=/);
      assert.equal(xtextDecode(encoded), s);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("property: garbage only throws CommandSyntaxError", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom("+", "A", "f", "0", "=", " ", "é") }), (s) => {
      try {
        xtextDecode(s);
      } catch (e) {
        assert.ok(e instanceof CommandSyntaxError);
      }
    }),
    { numRuns: 3000 },
  );
});
