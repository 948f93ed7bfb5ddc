import assert from "node:assert/strict";
import fc from "fast-check";
import { AddressSyntaxError, formatPath, parsePath } from "../../lib/address/mod.ts";

const RUNS = { numRuns: 3000 };
const ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~";

const nonAsciiChar = fc.integer({ min: 0x80, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const asciiAtext = fc.constantFrom(...ATEXT);
const join = (sep: string) => (parts: unknown[]) => parts.join(sep);

/** A Dot-string local part, with UTF-8 atext when `utf8`. */
const dotString = (utf8: boolean) => {
  const char = utf8 ? fc.oneof(asciiAtext, nonAsciiChar) : asciiAtext;
  const atom = fc.array(char, { minLength: 1, maxLength: 6 }).map(join(""));
  return fc.array(atom, { minLength: 1, maxLength: 4 }).map(join("."));
};

/** A Quoted-string local part, with random (needed or not) quoted-pairs. */
const quotedString = (utf8: boolean) => {
  const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
  const qchar = fc.tuple(printable, fc.boolean()).map(([c, escape]) =>
    escape || c === '"' || c === "\\" ? `\\${c}` : c
  );
  const char = utf8 ? fc.oneof(qchar, nonAsciiChar) : qchar;
  return fc.array(char, { maxLength: 20 }).map((cs) => `"${cs.join("")}"`);
};

const ldhLabel = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?$/)
  .filter((l) => !/^xn--/i.test(l));
const uLabel = fc.array(fc.constantFrom(..."üöéßжи例えテスト用户a1"), {
  minLength: 1,
  maxLength: 6,
})
  .map(join(""));
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
  .map(join("."));
const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const ipv6 = fc.oneof(
  fc.array(hex, { minLength: 8, maxLength: 8 }).map(join(":")),
  fc.tuple(fc.array(hex, { maxLength: 3 }), fc.array(hex, { maxLength: 3 }))
    .map(([l, r]) => `${l.join(":")}::${r.join(":")}`),
  fc.tuple(fc.array(hex, { maxLength: 2 }), fc.array(hex, { maxLength: 2 }), ipv4)
    .map(([l, r, v4]) => `${l.join(":")}::${[...r, v4].join(":")}`),
);
const generalLiteral = fc.tuple(
  fc.stringMatching(/^[a-zA-Z0-9-]{0,5}[a-zA-Z0-9]$/).filter((t) => t.toLowerCase() !== "ipv6"),
  fc.stringMatching(/^[!-Z^-~]{1,10}$/),
).map(([tag, content]) => `[${tag}:${content}]`);

const domain = (utf8: boolean) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(utf8 ? fc.oneof(ldhLabel, uLabel) : ldhLabel, {
        minLength: 1,
        maxLength: 4,
      }).map(join(".")),
    },
    ipv4.map((v) => `[${v}]`),
    ipv6.map((v) => `[IPv6:${v}]`),
    generalLiteral,
  );

/** A path as a client may write it: optional source route and brackets. */
const writtenPath = fc.boolean().chain((utf8) =>
  fc.record({
    utf8: fc.constant(utf8),
    local: fc.oneof(dotString(utf8), quotedString(utf8)),
    domain: domain(utf8),
    route: fc.array(ldhLabel, { maxLength: 2 }),
    brackets: fc.boolean(),
  })
).map(({ utf8, local, domain, route, brackets }) => {
  const adl = route.length ? `${route.map((d) => `@${d}`).join(",")}:` : "";
  const text = `${adl}${local}@${domain}`;
  return { text: brackets ? `<${text}>` : text, smtputf8: utf8 };
});

/** Runs `parse`, discarding the case (fc.pre) when it is over an RFC 5321 size limit. */
function withinLimits<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    fc.pre(!(e instanceof AddressSyntaxError && e.reason.includes("longer than")));
    throw e;
  }
}

Deno.test("parsePath: formatPath output parses back to the same mailbox", () => {
  fc.assert(
    fc.property(writtenPath, ({ text, smtputf8 }) => {
      const path = withinLimits(() => parsePath(text, { smtputf8 }));
      const again = parsePath(formatPath(path), { smtputf8 });
      assert.deepEqual(again.mailbox, path.mailbox);
      assert.equal(again.text, path.text);
    }),
    RUNS,
  );
});

/** Strings made mostly of the characters that matter to the path grammar. */
const pathish = fc.array(
  fc.oneof(
    fc.constantFrom(...'<>@.,:"\\[] -aZ09_', "IPv6:", "xn--", "::", "\u00e9", "例", "\ud800"),
    fc.string({ unit: "binary", maxLength: 3 }),
  ),
  { maxLength: 40 },
).map(join(""));

/** A valid path with one character inserted, replaced or deleted. */
const mutatedPath = fc.tuple(writtenPath, fc.nat(), fc.constantFrom(...'<>@.:"\\[]- é'), fc.nat(2))
  .map(([{ text }, at, char, op]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + (op === 2 ? "" : char) + text.slice(op === 0 ? i : i + 1);
  });

Deno.test("parsePath: any string parses or throws AddressSyntaxError", () => {
  const options = fc.record({
    smtputf8: fc.boolean(),
    allowNull: fc.boolean(),
    allowPostmaster: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ unit: "binary" }), pathish, mutatedPath),
      options,
      (text, opts) => {
        try {
          const path = parsePath(text, opts);
          assert.equal(parsePath(formatPath(path), opts).text, path.text);
        } catch (e) {
          if (!(e instanceof AddressSyntaxError)) throw e;
          assert.ok(e.index >= 0 && e.index <= text.length, `index ${e.index} in bounds`);
        }
      },
    ),
    { numRuns: 5000 },
  );
});
