import { equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  addressFieldValue,
  chooseTransferEncoding,
  foldField,
  HeaderLineTooLongError,
  isFieldName,
  mediaTypeForFileName,
} from "../../lib/message/mod.ts";

const utf8 = new TextEncoder();

Deno.test("folding: at white space before column 78, unfolding gives the value back", () => {
  const to = Array.from({ length: 6 }, (_, i) => `user${i}@example.test`).join(", ");
  const folded = foldField("To", to);
  equal(folded.split("\r\n").length, 2);
  equal(folded.replaceAll("\r\n", ""), `To: ${to}`);
  equal(foldField("Subject", `${"x".repeat(100)} y`), `Subject:\r\n ${"x".repeat(100)}\r\n y`);
  throws(() => foldField("X", "y".repeat(1000)), HeaderLineTooLongError);
  ok(isFieldName("X-Mailer") && !isFieldName("Bad Name") && !isFieldName("A:B"));
  fc.assert(fc.property(fc.string({ maxLength: 600 }), (value) => {
    const clean = value.replace(/[\r\n]/g, "");
    const lines = foldField("Subject", clean).split("\r\n");
    equal(lines.join(""), `Subject: ${clean}`, "RFC 5322 §2.2.3: unfolding removes CRLF only");
    ok(lines.slice(1).every((line) => /^[ \t]/.test(line) && line.trim() !== ""));
    ok(lines.every((line) => line.length <= 78 || !/[ \t]/.test(line.slice(1))));
  }));
});

Deno.test("address fields: display names not in ASCII as encoded-words", () => {
  equal(
    addressFieldValue([
      { name: "Zoë", address: "z@x.test", localPart: "z", domain: "x.test" },
      { name: "Doe, John", address: "j@x.test", localPart: "j", domain: "x.test" },
      { address: "k@x.test", localPart: "k", domain: "x.test" },
    ]),
    '=?utf-8?Q?Zo=C3=AB?= <z@x.test>, "Doe, John" <j@x.test>, k@x.test',
  );
});

Deno.test("transfer encoding by content: 7bit, 8bit, quoted-printable, base64", () => {
  const choose = (text: string, eightBit = false) =>
    chooseTransferEncoding(utf8.encode(text), { eightBit });
  equal(choose("plain\r\ntext\r\n"), "7bit");
  equal(choose(`${"x".repeat(998)}\r\n`), "7bit");
  equal(choose(`${"x".repeat(999)}\r\n`), "quoted-printable", "RFC 5322 §2.1.1: 998 octets");
  equal(choose(`${"x".repeat(999)}\r\n`, true), "quoted-printable");
  equal(choose("a\0b"), "quoted-printable", "RFC 2045 §2.7: no NUL");
  equal(choose("a\rb"), "quoted-printable", "no lone CR");
  equal(choose("Grüße aus dem schönen Köln\r\n"), "quoted-printable");
  equal(choose("Grüße aus dem schönen Köln\r\n", true), "8bit");
  equal(choose("Привет, мир\r\n"), "base64");
});

Deno.test("media types from file names, application/octet-stream when unknown", () => {
  equal(mediaTypeForFileName("Report.PDF"), "application/pdf");
  equal(mediaTypeForFileName("photo.jpeg"), "image/jpeg");
  equal(mediaTypeForFileName("archive.tar.gz"), "application/gzip");
  equal(mediaTypeForFileName("README"), "application/octet-stream");
  equal(mediaTypeForFileName("x.constructor"), "application/octet-stream");
});
