import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { Base64Decoder, base64EncodedLength, Base64Encoder } from "../../lib/message/mod.ts";
import { concatBytes as concat } from "../../lib/wire/bytes.ts";

const text = new TextDecoder();

/** Encodes `chunks` one after the other, then ends the encoder. */
function encodeChunks(chunks: Uint8Array[]): Uint8Array {
  const encoder = new Base64Encoder();
  return concat([...chunks.map((chunk) => encoder.encode(chunk)), encoder.end()]);
}

Deno.test("base64: 57 octets make one 76-character line and CRLF (RFC 2045 §6.8)", () => {
  const octets = new Uint8Array(57 * 2 + 1).map((_, i) => i);
  const lines = text.decode(encodeChunks([octets])).split("\r\n");
  deepEqual(lines.map((line) => line.length), [76, 76, 4, 0]);
  equal(lines[2], "cg==");
  equal(encodeChunks([]).length, 0);
  equal(base64EncodedLength(0), 0);
  equal(base64EncodedLength(1), 6);
  equal(base64EncodedLength(57), 78);
});

Deno.test("base64: any split into chunks encodes to the same lines, and decodes back", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(fc.nat({ max: 2000 }), { maxLength: 6 }),
      (octets, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (octets.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) =>
          octets.subarray(from, [...points, octets.length][i])
        );
        const encoded = encodeChunks(chunks);
        deepEqual(encoded, encodeChunks([octets]));
        equal(encoded.length, base64EncodedLength(octets.length));
        ok(text.decode(encoded).split("\r\n").every((line) => line.length <= 76));
        const decoder = new Base64Decoder();
        deepEqual(concat([decoder.decode(encoded), decoder.end()]), octets);
        equal(decoder.junk + Number(decoder.badEnding) + Number(decoder.badPadding), 0);
      },
    ),
  );
});
