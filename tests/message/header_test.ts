import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { parseHeaderBlock } from "../../lib/message/header.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A field as written: a name, white space before the colon, and value lines to fold. */
const field = fc.record({
  name: fc.stringMatching(/^[!-9;-~]{1,20}$/),
  beforeColon: fc.constantFrom("", " ", "\t"),
  lines: fc.array(fc.stringMatching(/^[ -~]{0,30}$/), { minLength: 1, maxLength: 4 }),
  fold: fc.constantFrom(" ", "\t", "  "),
});

Deno.test("property: fields split, names kept, values unfolded (RFC 5322 §2.2.3), CRLF or LF", () => {
  fc.assert(
    fc.property(fc.array(field, { maxLength: 8 }), fc.constantFrom("\r\n", "\n"), (fields, nl) => {
      const written = fields.map((f) =>
        `${f.name}${f.beforeColon}:${f.lines.join(`${nl}${f.fold}`)}${nl}`
      );
      const block = enc(written.join(""));
      const parsed = parseHeaderBlock(block, []);
      deepEqual(parsed.map((f) => f.name), fields.map((f) => f.name));
      deepEqual(
        parsed.map((f) => f.unfolded),
        fields.map((f) => f.lines.join(f.fold).trim()),
      );
      deepEqual(parsed.map((f) => new TextDecoder().decode(f.raw)), written);
    }),
    { numRuns: 500 },
  );
});

Deno.test("a block with raw UTF-8 and 8-bit fields reads each as it is (RFC 6532 §3.2)", () => {
  const block = new Uint8Array([
    ...enc("Subject: caf\u00e9 \u2713\r\n"),
    ...latin1("X-Old: caf\u00e9\r\n"),
    ...enc("To: =?utf-8?q?Bj=C3=B6rn?= <b@example.org>\r\n\tfolded\r\n"),
  ]);
  const fields = parseHeaderBlock(block, []);
  deepEqual(fields.map((f) => f.name), ["Subject", "X-Old", "To"]);
  deepEqual(fields.map((f) => f.unfolded), [
    "caf\u00e9 \u2713",
    "caf\u00e9",
    "=?utf-8?q?Bj=C3=B6rn?= <b@example.org>\tfolded",
  ]);
  equal(fields[2].value, "Bj\u00f6rn <b@example.org>\tfolded");
});

Deno.test("the caller's US-ASCII text of the block gives the same fields", () => {
  const text = "Received: from a\r\n by b; 1 Jan 2026 00:00 +0000\r\nbroken line\r\nDate: x\r\n";
  const warned: string[] = [];
  const given: string[] = [];
  const read = (fields: ReturnType<typeof parseHeaderBlock>) =>
    fields.map((f) => [f.name, f.valueStart, f.raw.length, f.unfolded]);
  deepEqual(
    read(parseHeaderBlock(enc(text), given, text)),
    read(parseHeaderBlock(enc(text), warned)),
  );
  deepEqual(given, warned);
  deepEqual(warned, ['header line without a field name skipped: "broken line"']);
});
