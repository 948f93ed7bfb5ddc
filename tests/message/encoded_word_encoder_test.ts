import { equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { decodeEncodedWords, encodeWords, unstructuredValue } from "../../lib/message/mod.ts";

Deno.test("encoded-words: Q or B, whichever is shorter (RFC 2047 §4)", () => {
  equal(encodeWords("Notes from the café"), "=?utf-8?Q?Notes_from_the_caf=C3=A9?=");
  equal(encodeWords("日本"), "=?utf-8?B?5pel5pys?=");
  equal(encodeWords(""), "=?utf-8?Q??=");
  // RFC 2047 §5 (3): a Q word in a phrase holds no "_", "=", "?", "." or quotes as themselves.
  equal(encodeWords("Dr. Hans Müller"), "=?utf-8?Q?Dr=2E_Hans_M=C3=BCller?=");
});

Deno.test("encoded-words: decode back, each within 75 characters, whole characters", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }), (text) => {
    const encoded = encodeWords(text);
    const words = encoded.split(" ");
    ok(words.every((word) => word.length <= 60 && /^=\?utf-8\?[QB]\?[^ ?]*\?=$/.test(word)));
    equal(decodeEncodedWords(encoded), text);
    for (const word of words) ok(!decodeEncodedWords(word).includes("\ufffd"), word);
  }));
});

Deno.test("unstructured text: ASCII as is, else encoded; words too long to fold encoded", () => {
  equal(unstructuredValue("Hello there"), "Hello there");
  equal(unstructuredValue("Grüße"), "=?utf-8?B?R3LDvMOfZQ==?=");
  const long = "x".repeat(950);
  ok(unstructuredValue(long).startsWith("=?utf-8?Q?xxx"));
  equal(decodeEncodedWords(unstructuredValue(long)), long);
});
