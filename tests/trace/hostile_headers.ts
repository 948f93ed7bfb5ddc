/**
 * A fast-check generator of hostile header blocks for trace: the fields a trace reads
 * (Received, X-Received, ARC-*, DKIM-Signature, Authentication-Results, Received-SPF,
 * Return-Path, Date, From, Message-ID) with values built from the marks their parsers split
 * on (comments, literals, angle brackets, ";", "=", quoted-pairs), folding, bare CR or LF,
 * markup, non-ASCII text and numbers at the edges; ARC and DKIM tag-lists with instances
 * around 1–50 and every kind of cv=.
 *
 * @module
 */

import fc from "fast-check";

const NAMES = [
  "Received",
  "X-Received",
  "ARC-Seal",
  "ARC-Message-Signature",
  "ARC-Authentication-Results",
  "DKIM-Signature",
  "Authentication-Results",
  "Received-SPF",
  "Return-Path",
  "Date",
  "From",
  "Message-ID",
  "received",
  "Subject",
];

const PIECES = [
  "from ",
  "by ",
  "with ESMTPS ",
  "id ",
  "for ",
  "via ",
  "tls ",
  "(",
  ")",
  "((",
  "[",
  "]",
  "[IPv6:::1]",
  "[10.0.0.1]",
  "256.1.1.1",
  "<",
  ">",
  "<>",
  ";",
  "; Mon, 16 Nov 2026 10:00:09 +0000",
  "; 31 Feb 99 25:61 ZZZ",
  "=",
  "i=",
  "i=0",
  "i=50",
  "i=999999999999",
  "cv=fail",
  "cv=",
  "d=",
  "s=x",
  "a=rsa-sha1",
  "\\",
  "\\(",
  "@",
  "helo=",
  "HELO ",
  "(using TLSv1.3 with cipher X)",
  "version=TLS1_2",
  "<script>alert(1)</script>",
  "\"'&",
  "é€😀",
  "\r\n\t",
  "\r\n ",
  "\r",
  "\n",
  " ",
  "spf=pass ",
  "dmarc=fail ",
];

/** One field: a name, a colon and a value of hostile pieces and free text. */
const field = fc.tuple(
  fc.constantFrom(...NAMES),
  fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 })), {
    maxLength: 24,
  }),
).map(([name, parts]) => `${name}: ${parts.join("")}`);

/** ARC and DKIM fields as tag-lists: instances at and past the edges, cv= of any kind. */
const tagList = fc.tuple(
  fc.constantFrom(
    "ARC-Seal",
    "ARC-Message-Signature",
    "ARC-Authentication-Results",
    "DKIM-Signature",
  ),
  fc.integer({ min: -1, max: 52 }),
  fc.constantFrom("none", "pass", "fail", "", "PASS", "x"),
  fc.string({ maxLength: 16 }),
).map(([name, instance, cv, rest]) => `${name}: i=${instance}; cv=${cv}; d=${rest}; s=${rest}`);

/** A header block of up to 30 hostile fields, CRLF or LF, sometimes with a body after it. */
export const hostileHeader: fc.Arbitrary<Uint8Array> = fc.tuple(
  fc.array(fc.oneof(field, tagList), { maxLength: 30 }),
  fc.constantFrom("\r\n", "\n"),
  fc.option(fc.string({ maxLength: 40 })),
).map(([fields, eol, body]) =>
  new TextEncoder().encode(fields.join(eol) + (body === null ? "" : `${eol}${eol}${body}`))
);
