import { equal } from "node:assert/strict";
import fc from "fast-check";
import { isKeyword, startsWithKeyword } from "../../lib/trace/keyword.ts";

Deno.test("property: a keyword in any case, and nothing else, is the keyword", () => {
  const keywords = ["received", "x-received", "arc-", "envelope-from", "tls"];
  fc.assert(
    fc.property(fc.constantFrom(...keywords), fc.stringMatching(/^[!-~]{0,14}$/), (word, name) => {
      equal(isKeyword(name, word), name.toLowerCase() === word);
      equal(startsWithKeyword(name, word), name.toLowerCase().startsWith(word));
      const mixed = [...word].map((c, i) => i % 2 ? c.toUpperCase() : c).join("");
      equal(isKeyword(mixed, word), true);
      equal(startsWithKeyword(`${mixed}${name}`, word), true);
    }),
    { numRuns: 2000 },
  );
});
