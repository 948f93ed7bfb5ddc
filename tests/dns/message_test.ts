import { deepEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import fc from "fast-check";
import { decodeMessage, encodeQuery } from "../../lib/dns/message.ts";
import { DnsMessageError, DnsNameError } from "../../lib/dns/errors.ts";
import { RecordType } from "../../lib/dns/record_type.ts";

const label = fc.stringMatching(/^[a-z0-9_-]{1,63}$/);

Deno.test("a query decodes back to its id and question (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.array(label, { minLength: 1, maxLength: 3 }),
      (id, labels) => {
        const name = labels.join(".");
        const message = decodeMessage(encodeQuery(id, name, RecordType.MX));
        assertEquals([message.id, message.question], [id, { name, type: RecordType.MX }]);
      },
    ),
  );
});

Deno.test("names with an empty or long label, or non-ASCII, are refused before sending", () => {
  assertThrows(() => encodeQuery(1, "a..b", RecordType.A), DnsNameError);
  assertThrows(() => encodeQuery(1, `${"a".repeat(64)}.test`, RecordType.A), DnsNameError);
  assertThrows(() => encodeQuery(1, "bücher.test", RecordType.A), DnsNameError);
  assertThrows(() => encodeQuery(1, Array(130).fill("a").join("."), RecordType.A), DnsNameError);
});

/** A response with one answer whose owner is a compression pointer to the question name. */
function response(type: number, rdata: number[], rcode = 0): Uint8Array {
  const query = encodeQuery(9, "ex.test", type).subarray(0, 12 + 9 + 4);
  const out = [
    ...query,
    0xc0,
    12,
    type >> 8,
    type & 0xff,
    0,
    1,
    0,
    0,
    1,
    44,
    0,
    rdata.length,
    ...rdata,
  ];
  out[2] = 0x81;
  out[3] = 0x80 | rcode;
  out[7] = 1; // ANCOUNT
  out[11] = 0; // no OPT record here
  return Uint8Array.from(out);
}

Deno.test("decodes A, AAAA (RFC 5952 text), MX with a compressed exchange, TXT strings joined", () => {
  const a = decodeMessage(response(RecordType.A, [192, 0, 2, 1]));
  assertEquals(a.answers, [{ name: "ex.test", type: 1, ttl: 300, data: "192.0.2.1" }]);
  const v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  assertEquals(decodeMessage(response(RecordType.AAAA, v6)).answers[0].data, "2001:db8::1");
  const mx = decodeMessage(response(RecordType.MX, [0, 10, 3, 0x6d, 0x78, 0x31, 0xc0, 12]));
  assertEquals(mx.answers[0].data, { preference: 10, exchange: "mx1.ex.test" });
  const txt = decodeMessage(response(RecordType.TXT, [2, 0x61, 0x62, 1, 0x63]));
  assertEquals(txt.answers[0].data, "abc");
  assertEquals(decodeMessage(response(RecordType.A, [], 3)).rcode, 3);
});

Deno.test("malformed messages throw DnsMessageError, never anything else (property)", () => {
  assertThrows(() => decodeMessage(response(RecordType.MX, [0, 10, 0xc0, 40])), DnsMessageError);
  const base = response(RecordType.MX, [0, 10, 3, 0x6d, 0x78, 0x31, 0xc0, 12]);
  fc.assert(
    fc.property(
      fc.nat(base.length - 1),
      fc.integer({ min: 0, max: 255 }),
      fc.nat(base.length),
      (at, value, cut) => {
        const bytes = base.slice(0, Math.max(cut, 12));
        if (at < bytes.length) bytes[at] = value;
        try {
          decodeMessage(bytes);
        } catch (error) {
          if (!(error instanceof DnsMessageError)) throw error;
        }
      },
    ),
  );
});
