import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { crc32 } from "node:zlib";
import { decodeRecords, encodeRecord, RECORD_HEADER_SIZE } from "../../lib/spool/record.ts";
import { concatBytes } from "../../lib/wire/bytes.ts";

const encoder = new TextEncoder();

/** A segment of records `meta: {id}` with bodies "body of <id>" given in two pieces. */
function segmentOf(ids: string[]): Uint8Array {
  return concatBytes(
    ids.flatMap((id) =>
      encodeRecord({ id }, [encoder.encode("body "), encoder.encode(`of ${id}`)])
    ),
  );
}

function decodedIds(segment: Uint8Array): string[] {
  return [...decodeRecords<{ id: string }>(segment)].map((record) => record.meta.id);
}

Deno.test("record: round trip keeps meta, body, offsets and lengths", () => {
  const segment = segmentOf(["A", "BB", "CCC"]);
  const records = [...decodeRecords<{ id: string }>(segment)];
  deepEqual(records.map((r) => r.meta), [{ id: "A" }, { id: "BB" }, { id: "CCC" }]);
  deepEqual(records.map((r) => new TextDecoder().decode(r.body)), [
    "body of A",
    "body of BB",
    "body of CCC",
  ]);
  equal(records[0].offset, 0);
  equal(records[1].offset, records[0].length);
  equal(records[2].offset + records[2].length, segment.length);
  equal(records[0].length, RECORD_HEADER_SIZE + '{"id":"A"}'.length + "body of A".length);
});

Deno.test("record: the body is a view into the segment, not a copy", () => {
  const segment = segmentOf(["A"]);
  const [record] = decodeRecords<{ id: string }>(segment);
  equal(record.body.buffer, segment.buffer);
});

Deno.test("record: an empty segment and an empty body decode", () => {
  deepEqual(decodedIds(new Uint8Array()), []);
  const [record] = decodeRecords<{ id: string }>(concatBytes(encodeRecord({ id: "E" }, [])));
  equal(record.body.length, 0);
});

Deno.test("record: a torn tail at every cut point yields only the whole records before it", () => {
  const whole = segmentOf(["A", "B"]);
  const firstLength = [...decodeRecords(whole)][0].length;
  for (let cut = 0; cut < whole.length; cut++) {
    const expected = cut >= firstLength ? ["A"] : [];
    deepEqual(decodedIds(whole.subarray(0, cut)), expected, `cut at ${cut}`);
  }
  deepEqual(decodedIds(whole), ["A", "B"]);
});

Deno.test("record: a flipped bit in meta or body fails the CRC and stops decoding there", () => {
  const whole = segmentOf(["A", "B", "C"]);
  const [, second] = [...decodeRecords(whole)];
  for (const at of [second.offset + RECORD_HEADER_SIZE + 2, second.offset + second.length - 1]) {
    const damaged = whole.slice();
    damaged[at] ^= 0x01;
    deepEqual(decodedIds(damaged), ["A"], `flip at ${at}`);
  }
});

Deno.test("record: a wrong magic or a CRC field mismatch stops decoding", () => {
  const whole = segmentOf(["A", "B"]);
  const [, second] = [...decodeRecords(whole)];
  const badMagic = whole.slice();
  badMagic[second.offset] = 0x00;
  deepEqual(decodedIds(badMagic), ["A"]);
  const badCrc = whole.slice();
  badCrc[second.offset + 12] ^= 0xff;
  deepEqual(decodedIds(badCrc), ["A"]);
});

Deno.test("record: zeroed tail (a file extended but not written) decodes as nothing", () => {
  const whole = concatBytes([segmentOf(["A"]), new Uint8Array(100)]);
  deepEqual(decodedIds(whole), ["A"]);
});

Deno.test("record: meta that is not JSON, under a matching CRC, stops decoding", () => {
  const meta = encoder.encode("{not json");
  const header = new Uint8Array(RECORD_HEADER_SIZE);
  header.set(encoder.encode("PSR1"));
  const view = new DataView(header.buffer);
  view.setUint32(4, meta.length);
  view.setUint32(8, 0);
  view.setUint32(12, crc32(meta));
  deepEqual(decodedIds(concatBytes([segmentOf(["A"]), header, meta, segmentOf(["B"])])), ["A"]);
});

Deno.test("record: property — any prefix decodes to a prefix of the records", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 64 })), {
        maxLength: 6,
      }),
      fc.nat(),
      (entries, cutSeed) => {
        const segment = concatBytes(entries.flatMap(([id, body]) => encodeRecord({ id }, [body])));
        const cut = segment.length === 0 ? 0 : cutSeed % (segment.length + 1);
        const decoded = [...decodeRecords<{ id: string }>(segment.subarray(0, cut))];
        decoded.forEach((record, i) => {
          equal(record.meta.id, entries[i][0]);
          deepEqual(record.body, entries[i][1]);
        });
        if (cut === segment.length) equal(decoded.length, entries.length);
      },
    ),
  );
});
