import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { formatParameter, parseContentDisposition } from "../../lib/message/mod.ts";

Deno.test("parameters: token, quoted-string, RFC 2231 extended value", () => {
  deepEqual(formatParameter("filename", "report.pdf"), ["filename=report.pdf"]);
  deepEqual(formatParameter("filename", "my file.txt"), ['filename="my file.txt"']);
  // Not a quoted-pair: readers such as mblaze do not undo them.
  deepEqual(formatParameter("filename", 'a "q".txt'), ["filename*=utf-8''a%20%22q%22.txt"]);
  deepEqual(formatParameter("filename", "café 1.txt"), ["filename*=utf-8''caf%C3%A9%201.txt"]);
});

Deno.test("parameters: values too long for a line become sections (RFC 2231 §3)", () => {
  const pieces = formatParameter("filename", "é".repeat(200));
  equal(pieces.length, 2);
  equal(pieces[0].slice(0, 21), "filename*0*=utf-8''%C");
  equal(pieces[1].slice(0, 12), "filename*1*=");
  deepEqual(formatParameter("name", "a".repeat(901)).map((p) => p.slice(0, 8)), [
    'name*0="',
    'name*1="',
  ]);
});

Deno.test("parameters: any file name parses back with the MIME parser", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 700 }), (name) => {
    const value = ["attachment", ...formatParameter("filename", name)].join("; ");
    equal(parseContentDisposition(value, []).params.filename, name);
  }));
});
