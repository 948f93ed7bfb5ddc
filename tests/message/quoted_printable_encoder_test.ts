import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { encodeQuotedPrintable, QuotedPrintableDecoder } from "../../lib/message/mod.ts";
import { concatBytes } from "../../lib/wire/bytes.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();

function encode(value: string): string {
  return text.decode(encodeQuotedPrintable(utf8.encode(value)));
}

Deno.test("quoted-printable: escapes, trailing white space, soft breaks (RFC 2045 §6.7)", () => {
  equal(encode("café = 1 \n"), "caf=C3=A9 =3D 1=20\r\n");
  equal(encode("tab\t\r\nend\t"), "tab=09\r\nend=09");
  equal(encode("a\rb"), "a=0Db");
  equal(encode("x".repeat(80)), `${"x".repeat(75)}=\r\n${"x".repeat(5)}`);
  equal(encode("x".repeat(76)), "x".repeat(76), "a line of exactly 76 needs no soft break");
  equal(encode(`${"x".repeat(74)}é`), `${"x".repeat(74)}=\r\n=C3=A9`, "no escape split");
});

Deno.test("quoted-printable: decodes back to CRLF text, lines within 76 characters", () => {
  const line = fc.string({ unit: "grapheme", maxLength: 300 }).map((s) => s.replace(/[\r\n]/g, ""));
  fc.assert(fc.property(fc.array(line), fc.boolean(), (lines, crlf) => {
    const encoded = encodeQuotedPrintable(utf8.encode(lines.join(crlf ? "\r\n" : "\n")));
    const encodedLines = text.decode(encoded).split("\r\n");
    ok(encodedLines.every((l) => l.length <= 76 && !/[ \t]$/.test(l)));
    ok(encoded.every((octet) => octet < 0x80), "7bit output");
    const decoder = new QuotedPrintableDecoder();
    const decoded = concatBytes([decoder.decode(encoded), decoder.end()]);
    equal(text.decode(decoded), lines.join("\r\n"));
    equal(decoder.badEscapes, 0);
  }));
});

Deno.test("quoted-printable: arbitrary octets without line breaks decode back exactly", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (octets) => {
    const clean = octets.map((octet) => octet === 10 ? 13 : octet);
    const decoder = new QuotedPrintableDecoder();
    const encoded = encodeQuotedPrintable(clean);
    deepEqual(concatBytes([decoder.decode(encoded), decoder.end()]), clean);
  }));
});
