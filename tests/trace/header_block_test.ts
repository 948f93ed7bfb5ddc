import { deepEqual } from "node:assert/strict";
import fc from "fast-check";
import { parseHeaderBlock } from "../../lib/message/header.ts";
import { readHeaderFields } from "../../lib/trace/mod.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const read = (bytes: Uint8Array) =>
  readHeaderFields(bytes, []).map((field) => [field.name, field.unfolded]);

/** A header of about `size` octets: fields of `pad` characters, then "X-Last". */
function header(size: number, nl: string, pad: string): string {
  let text = "";
  while (text.length < size) text += `X-Pad: ${pad}${nl}`;
  return `${text}X-Last: end${nl}`;
}

Deno.test("property: the header ends at the first blank line at any size, CRLF or LF", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 40_000 }),
      fc.constantFrom("\r\n", "\n"),
      fc.constantFrom("y", "caf\u00e9", "\u00e9t\u00e9 \u2713"),
      fc.constantFrom("", "\n", "\r\n\n"),
      (size, nl, pad, leading) => {
        const head = header(size, nl, pad);
        const fields = parseHeaderBlock(enc(head), []).map((f) => [f.name, f.unfolded]);
        // The body holds a line that would be a field, and a blank line of its own.
        deepEqual(read(enc(`${leading}${head}${nl}Body: not a field${nl}${nl}x`)), fields);
        deepEqual(read(enc(`${leading}${head}`)), fields);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("octets that are not UTF-8 before or after the blank line", () => {
  const body = new Uint8Array([0xff, 0xfe, 0x0a, 0x0a, 0x41, 0x3a, 0x20, 0x62, 0x0a]);
  const message = new Uint8Array([...enc("Subject: hi\r\nTo: a@b.example\r\n\r\n"), ...body]);
  deepEqual(read(message), [["Subject", "hi"], ["To", "a@b.example"]]);
  const eightBit = new Uint8Array([...enc("Subject: caf"), 0xe9, ...enc("\n\nBody: x\n")]);
  deepEqual(read(eightBit), [["Subject", "caf\u00e9"]]);
  // A replacement character in the header is read as the octets it came from.
  const broken = new Uint8Array([...enc("X: a"), 0x80, ...enc("\r\nY: b\r\n\r\nbody")]);
  deepEqual(read(broken), [["X", "a\u0080"], ["Y", "b"]]);
});
