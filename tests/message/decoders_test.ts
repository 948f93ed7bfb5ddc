import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  Base64Decoder,
  combineParameters,
  decodeEncodedWords,
  parseContentDisposition,
  parseContentType,
  parseDate,
  QuotedPrintableDecoder,
  splitParameters,
} from "../../lib/message/mod.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function runDecoder(
  decoder: Base64Decoder | QuotedPrintableDecoder,
  input: Uint8Array,
  step: number,
) {
  const out: number[] = [];
  for (let at = 0; at < input.length; at += step) {
    out.push(...decoder.decode(input.subarray(at, at + step)));
  }
  out.push(...decoder.end());
  return new Uint8Array(out);
}

Deno.test("base64: any split of the input decodes to the same octets as one piece", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 1, max: 80 }),
      (bytes, step) => {
        const wrapped = btoa(String.fromCharCode(...bytes)).replace(/.{1,76}/g, "$&\r\n");
        deepEqual(runDecoder(new Base64Decoder(), enc(wrapped), step), bytes);
      },
    ),
  );
});

Deno.test("base64: in one piece (engine decoder) as octet by octet (loop), junk and padding too", () => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // One kind of oddity per input, so that each reaches the engine's decoder on its own.
  const odd = fc.constantFrom("=", "==", "!", "\f", "-", "\u00e9");
  const chars = odd.chain((oddity) =>
    fc.array(
      fc.oneof(
        { weight: 20, arbitrary: fc.constantFrom(...alphabet) },
        { weight: 3, arbitrary: fc.constantFrom("\r\n", " ", "\t") },
        { weight: 1, arbitrary: fc.constant(oddity) },
      ),
      { maxLength: 400, size: "max" },
    )
  );
  fc.assert(
    fc.property(chars, (chars) => {
      const input = new Uint8Array([...chars.join("")].map((c) => c.charCodeAt(0)));
      const whole = new Base64Decoder();
      const octetwise = new Base64Decoder();
      deepEqual(runDecoder(whole, input, input.length || 1), runDecoder(octetwise, input, 1));
      deepEqual(
        [whole.junk, whole.badEnding, whole.badPadding],
        [octetwise.junk, octetwise.badEnding, octetwise.badPadding],
      );
    }),
    { numRuns: 2000 },
  );
});

Deno.test("base64: junk characters are skipped and counted; a missing pad still decodes", () => {
  const decoder = new Base64Decoder();
  equal(dec(runDecoder(decoder, enc("aG!Vs*bG8"), 3)), "hello");
  equal(decoder.junk, 2);
  ok(decoder.badPadding);
});

Deno.test("base64: a lone last character is dropped with badEnding; data after padding goes on", () => {
  const decoder = new Base64Decoder();
  equal(dec(runDecoder(decoder, enc("aGk=aGk=a"), 100)), "hihi");
  ok(decoder.badEnding);
});

Deno.test("quoted-printable: escapes, soft breaks, trailing white space, CRLF kept, any split", () => {
  const input = enc("caf=C3=A9 =\r\nau lait  \r\nx=3d=\r\n=41\r\nbad =ZZ end\r\n");
  const expected = "café au lait\r\nx=A\r\nbad =ZZ end\r\n";
  for (const step of [1, 2, 3, 7, 100]) {
    const decoder = new QuotedPrintableDecoder();
    equal(dec(runDecoder(decoder, input, step)), expected, `step ${step}`);
    equal(decoder.badEscapes, 1);
  }
});

Deno.test("quoted-printable: round trip of any octets through a simple encoder", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.integer({ min: 1, max: 50 }),
      (bytes, step) => {
        let encoded = "";
        let line = 0;
        for (const b of bytes) {
          const hex = b.toString(16).toUpperCase().padStart(2, "0");
          const token = b === 0x3d || b < 33 || b > 126 ? `=${hex}` : String.fromCharCode(b);
          if (line + token.length > 70) {
            encoded += "=\r\n";
            line = 0;
          }
          encoded += token;
          line += token.length;
        }
        deepEqual(runDecoder(new QuotedPrintableDecoder(), enc(encoded), step), bytes);
      },
    ),
  );
});

/** Quoted-printable as RFC 2045 §6.7 reads it, a whole line at a time: the reference. */
function referenceQuotedPrintable(bytes: Uint8Array): { out: Uint8Array; bad: number } {
  const out: number[] = [];
  let bad = 0;
  const hex = (octet: number) => parseInt(String.fromCharCode(octet), 16);
  const segment = (from: number, to: number) => {
    for (let at = from; at < to;) {
      const high = at + 2 < to ? hex(bytes[at + 1]) : NaN;
      const low = at + 2 < to ? hex(bytes[at + 2]) : NaN;
      if (bytes[at] !== 61) out.push(bytes[at++]);
      else if (high >= 0 && low >= 0) (out.push(high * 16 + low), at += 3);
      else (bad++, out.push(bytes[at++]));
    }
  };
  let pos = 0;
  for (let lf = bytes.indexOf(10); lf >= 0; pos = lf + 1, lf = bytes.indexOf(10, pos)) {
    const eol = lf > pos && bytes[lf - 1] === 13 ? lf - 1 : lf;
    let end = eol;
    while (end > pos && (bytes[end - 1] === 32 || bytes[end - 1] === 9)) end--;
    if (end > pos && bytes[end - 1] === 61) segment(pos, end - 1);
    else (segment(pos, end), out.push(...bytes.subarray(eol, lf + 1)));
  }
  segment(pos, bytes.length);
  return { out: new Uint8Array(out), bad };
}

Deno.test("quoted-printable: any input in any chunking decodes as the line-at-a-time reference", () => {
  const octet = fc.constantFrom(..."==  \t\t\r\n\n4fAxz".split("").map((c) => c.charCodeAt(0)));
  fc.assert(
    fc.property(
      fc.array(octet, { maxLength: 80, size: "max" }),
      fc.integer({ min: 1, max: 20 }),
      (octets, step) => {
        const input = new Uint8Array(octets);
        const expected = referenceQuotedPrintable(input);
        const decoder = new QuotedPrintableDecoder();
        deepEqual(runDecoder(decoder, input, step), expected.out);
        equal(decoder.badEscapes, expected.bad);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("RFC 2047: B and Q words, adjacent words joined, split multi-byte characters, bad words kept", () => {
  equal(decodeEncodedWords("=?UTF-8?B?Y2Fmw6k=?= =?ISO-8859-1?Q?_cr=E8me?="), "café crème");
  equal(decodeEncodedWords("=?utf-8?q?=E2=82?=  =?utf-8?q?=AC?= x"), "€ x");
  equal(decodeEncodedWords("a =?utf-8?q?b?= c"), "a b c");
  equal(decodeEncodedWords("=?x-nope?q?abc?="), "=?x-nope?q?abc?=");
  equal(decodeEncodedWords("=?utf-8?b?!!!?="), "=?utf-8?b?!!!?=");
  equal(decodeEncodedWords("=?utf-8*en?q?hi?="), "hi");
});

Deno.test("RFC 2231: continuations, charsets, percent-encoding, unknown charset warns", () => {
  const warnings: string[] = [];
  deepEqual(
    combineParameters([
      { name: "filename*1", value: ".txt" },
      { name: "filename*0*", value: "utf-8''caf%C3%A9" },
      { name: "name", value: "=?utf-8?q?a=C3=A9?=" },
    ], warnings),
    { filename: "café.txt", name: "aé" },
  );
  combineParameters([{ name: "x*", value: "x-bogus''%E9" }], warnings);
  equal(warnings.length, 1);
});

Deno.test("Content-Type: quoted boundary with ';', comments, case, unquoted names with spaces", () => {
  const type = parseContentType('Multipart/Mixed (c); boundary="a;b=c"; charset=UTF-8', [])!;
  deepEqual([type.mediaType, type.params], ["multipart/mixed", {
    boundary: "a;b=c",
    charset: "UTF-8",
  }]);
  equal(parseContentType("text", []), undefined);
  deepEqual(splitParameters("attachment; filename=This is a test.txt").params, [
    { name: "filename", value: "This is a test.txt" },
  ]);
  deepEqual(parseContentDisposition("ATTACHMENT; filename*=utf-8''%E2%82%AC.txt", []), {
    type: "attachment",
    params: { filename: "€.txt" },
  });
});

Deno.test("Date: RFC 5322 and obsolete forms to an instant", () => {
  equal(parseDate("Thu, 13 Feb 1969 23:32:54 -0330")?.toISOString(), "1969-02-14T03:02:54.000Z");
  equal(parseDate("21 Nov 97 09:55:06 GMT")?.toISOString(), "1997-11-21T09:55:06.000Z");
  equal(
    parseDate("Fri, 21 Nov 1997 09(comment):   55  :  06 -0600")?.toISOString(),
    "1997-11-21T15:55:06.000Z",
  );
  equal(parseDate("Mon, 6 Jun 2005 22:21:22 EDT")?.toISOString(), "2005-06-07T02:21:22.000Z");
  equal(parseDate("not a date"), undefined);
  equal(parseDate("32 Jan 2020 10:00:00 +0000"), undefined);
});
