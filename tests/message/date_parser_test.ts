import { equal } from "node:assert/strict";
import fc from "fast-check";
import { parseDate } from "../../lib/message/date_parser.ts";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** How one date-time is written: every RFC 5322 §3.3 and §4.3 (obsolete) choice. */
const form = fc.record({
  // 1951–2048 in UTC: local years stay within 1950–2049, those a two-digit year can name.
  minutes: fc.integer({ min: Date.UTC(1951, 0, 1) / 60_000, max: Date.UTC(2049, 0, 1) / 60_000 }),
  offset: fc.integer({ min: -720, max: 840 }),
  dayName: fc.constantFrom("none", "comma", "no comma"),
  twoDigitYear: fc.boolean(),
  seconds: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
  dashes: fc.boolean(),
  space: fc.constantFrom(" ", "  ", "\t", "\r\n ", " (c) "),
  comment: fc.boolean(),
});

/** The date-time `f` describes, written out, and the instant it names. */
function written(f: typeof form extends fc.Arbitrary<infer T> ? T : never): [string, number] {
  const instant = f.minutes * 60_000 + (f.seconds ?? 0) * 1000;
  const local = new Date(instant + f.offset * 60_000);
  const year = f.twoDigitYear ? two(local.getUTCFullYear() % 100) : local.getUTCFullYear();
  const sep = f.dashes ? "-" : f.space;
  const day = `${local.getUTCDate()}${sep}${MONTHS[local.getUTCMonth()]}${sep}${year}`;
  const seconds = f.seconds === undefined ? "" : `:${two(f.seconds)}`;
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}${seconds}`;
  const zone = `${f.offset < 0 ? "-" : "+"}${two(Math.floor(Math.abs(f.offset) / 60))}${
    two(Math.abs(f.offset) % 60)
  }`;
  const name = DAYS[local.getUTCDay()];
  const head = f.dayName === "none" ? "" : `${name}${f.dayName === "comma" ? "," : ""}${f.space}`;
  const tail = f.comment ? " (local time)" : "";
  return [`${head}${day}${f.space}${time}${f.space}${zone}${tail}`, instant];
}

Deno.test("property: every written form of an instant reads back as that instant", () => {
  fc.assert(
    fc.property(form, (f) => {
      const [text, instant] = written(f);
      equal(parseDate(text)?.getTime(), instant, text);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("RFC 5322 §4.3 obsolete zones, years and a leap second", () => {
  const iso = (text: string) => parseDate(text)?.toISOString();
  equal(iso("Mon, 16 Nov 2026 09:15 EST"), "2026-11-16T14:15:00.000Z");
  equal(iso("16 Nov 2026 09:15:00 pdt"), "2026-11-16T16:15:00.000Z");
  equal(iso("16 Nov 2026 09:15:00 Z"), "2026-11-16T09:15:00.000Z");
  // Unknown zone names count as +0000, names of Object's prototype too (no Invalid Date).
  equal(iso("16 Nov 2026 09:15:00 CET"), "2026-11-16T09:15:00.000Z");
  equal(iso("16 Nov 2026 09:15:00 constructor"), "2026-11-16T09:15:00.000Z");
  equal(iso("16 Nov 126 09:15:00 +0000"), "2026-11-16T09:15:00.000Z");
  equal(iso("16 Nov 49 09:15:00 +0000"), "2049-11-16T09:15:00.000Z");
  equal(iso("16 Nov 50 09:15:00 +0000"), "1950-11-16T09:15:00.000Z");
  equal(iso("31 Dec 2016 23:59:60 +0000"), "2016-12-31T23:59:59.000Z");
  // A zone that is not four digits is no zone.
  equal(iso("16 Nov 2026 09:15:00 +01:00"), "2026-11-16T09:15:00.000Z");
  // JavaScript's white space (here a no-break space) separates as a space does.
  equal(iso("16\u00a0Nov 2026 09:15:00 +0100"), "2026-11-16T08:15:00.000Z");
});

Deno.test("text that is no date-time reads as undefined", () => {
  for (
    const text of [
      "",
      "not a date",
      "32 Jan 2020 10:00:00 +0000",
      "0 Jan 2020 10:00:00 +0000",
      "1 Foo 2020 10:00:00 +0000",
      "1 Ja 2020 10:00:00 +0000",
      "123 Jan 2020 10:00:00 +0000",
      "1 Jan 20201 10:00:00 +0000",
      "1 Jan 2020 24:00:00 +0000",
      "1 Jan 2020 10:60:00 +0000",
      "1 Jan 2020 10:00:61 +0000",
      "1 Jan 2020 100:00 +0000",
      "1 Jan 202010:00 +0000",
      "Mon, (a(b)c) 1 Jan 2020 10:00 +0000",
    ]
  ) {
    equal(parseDate(text), undefined, text);
  }
});
