import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type AddressListEntry,
  AddressSyntaxError,
  canonicalLocalPart,
  formatAddressList,
  formatMailbox,
  type Mailbox,
  parseAddressList,
  parseMailbox,
} from "../../lib/address/mod.ts";

const RUNS = { numRuns: 3000 };
const join = (parts: string[]) => parts.join("");

const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const nonAscii = fc.integer({ min: 0x80, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
/** Characters a display name may hold, weighted towards the ones that need quoting. */
const nameChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...'"\\,;:<>()[]@. \t=?') },
  { weight: 3, arbitrary: printableAscii },
  { weight: 2, arbitrary: nonAscii },
);
const displayName = fc.array(nameChar, { minLength: 1, maxLength: 24 }).map(join);
const localPart = fc.array(fc.oneof(printableAscii, nonAscii), { maxLength: 16 }).map(join);
const domain = fc.oneof(
  fc.stringMatching(/^[a-z0-9-]{1,10}(?:\.[a-z0-9-]{1,10}){0,3}$/),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
    .map((n) => `[${n.join(".")}]`),
  fc.array(fc.constantFrom(..."ü例テa1"), { minLength: 1, maxLength: 6 }).map(join),
);

const mailbox = fc.record({ name: displayName, localPart, domain }).map(
  ({ name, localPart, domain }): Mailbox => ({
    name,
    address: `${canonicalLocalPart(localPart)}@${domain}`,
    localPart,
    domain,
  }),
);

Deno.test("formatMailbox output parses back to the same mailbox", () => {
  fc.assert(
    fc.property(mailbox, (m) => {
      const text = formatMailbox(m);
      assert.deepEqual(parseAddressList(text), [m]);
      assert.deepEqual(parseMailbox(text), m);
    }),
    RUNS,
  );
});

Deno.test("a list of formatted mailboxes parses back in order", () => {
  fc.assert(
    fc.property(fc.array(mailbox, { minLength: 1, maxLength: 5 }), (ms) => {
      assert.deepEqual(parseAddressList(ms.map(formatMailbox).join(",\r\n ")), ms);
    }),
    { numRuns: 1000 },
  );
});

const entry: fc.Arbitrary<AddressListEntry> = fc.oneof(
  { weight: 3, arbitrary: mailbox },
  fc.tuple(fc.oneof(displayName, fc.constant("")), fc.array(mailbox, { maxLength: 3 }))
    .map(([group, members]) => ({ group, members })),
);

Deno.test("formatAddressList output parses back to the same entries", () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
      assert.deepEqual(parseAddressList(formatAddressList(entries)), entries);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("formatMailbox rejects control characters in names", () => {
  const control = fc.constantFrom(..."\0\x01\n\r\x1b\x7f");
  fc.assert(
    fc.property(displayName, control, fc.nat(), (name, c, at) => {
      const i = at % (name.length + 1);
      const bad = name.slice(0, i) + c + name.slice(i);
      const m = { name: bad, address: "a@x", localPart: "a", domain: "x" };
      assert.throws(() => formatMailbox(m), AddressSyntaxError);
    }),
    { numRuns: 2000 },
  );
});

/** Field bodies made of the characters that matter to the grammar, plus real lists. */
const listish = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.array(
    fc.oneof(
      fc.constantFrom(...'<>@.,:;"\\()[] \t\r\naZ09', "\r\n ", "=?", "é", "\ud800"),
      fc.string({ unit: "binary", maxLength: 3 }),
    ),
    { maxLength: 40 },
  ).map(join),
  fc.tuple(fc.array(mailbox, { minLength: 1, maxLength: 3 }), fc.nat(), nameChar, fc.nat(2))
    .map(([ms, at, c, op]) => {
      const text = ms.map(formatMailbox).join(", ");
      const i = at % (text.length + 1);
      return text.slice(0, i) + (op === 2 ? "" : c) + text.slice(op === 0 ? i : i + 1);
    }),
);

Deno.test("parseAddressList: any string parses or throws AddressSyntaxError", () => {
  fc.assert(
    fc.property(listish, (text) => {
      for (const parse of [parseAddressList, parseMailbox]) {
        try {
          parse(text);
        } catch (e) {
          if (!(e instanceof AddressSyntaxError)) throw e;
          assert.ok(e.index >= 0 && e.index <= text.length, `index ${e.index} in bounds`);
        }
      }
    }),
    { numRuns: 5000 },
  );
});

Deno.test("parsed mailboxes format and parse back the same, comments aside", () => {
  fc.assert(
    fc.property(listish, (text) => {
      let entries;
      try {
        entries = parseAddressList(text);
      } catch {
        return;
      }
      const mailboxes = entries.flatMap((e) => "group" in e ? e.members : [e]);
      for (const { comment: _, ...m } of mailboxes) {
        assert.deepEqual(parseMailbox(formatMailbox(m)), m);
      }
    }),
    { numRuns: 5000 },
  );
});
