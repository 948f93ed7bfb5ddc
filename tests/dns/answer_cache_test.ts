import { equal, ok as assert } from "node:assert/strict";
import fc from "fast-check";
import { AnswerCache } from "../../lib/dns/mod.ts";

Deno.test("an entry used in its generation outlives one that was not", () => {
  const cache = new AnswerCache<number>(400);
  cache.set("used", 1, 100);
  cache.set("unused", 2, 100);
  cache.set("third", 3, 100); // the recent generation (200 octets) is full: it becomes the older
  equal(cache.get("used"), 1); // moved back to the recent generation
  cache.set("fourth", 4, 100); // full again: the older generation, "unused" in it, is dropped
  equal(cache.get("unused"), undefined);
  equal(cache.get("used"), 1);
  equal(cache.bytes, 300);
  equal(cache.get("third"), 3);
});

Deno.test("within its bound, the octets add up, and the last value set is there (property)", () => {
  const op = fc.oneof(
    fc.record({ set: fc.integer({ min: 0, max: 30 }), bytes: fc.integer({ min: 1, max: 50 }) }),
    fc.record({ get: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ drop: fc.integer({ min: 0, max: 30 }) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
    const cache = new AnswerCache<string>(100);
    for (const step of ops) {
      if ("set" in step) {
        cache.set(`k${step.set}`, `v${step.set}`, step.bytes);
        equal(cache.get(`k${step.set}`), `v${step.set}`);
      } else if ("get" in step) {
        const value = cache.get(`k${step.get}`);
        assert(value === undefined || value === `v${step.get}`);
      } else cache.delete(`k${step.drop}`);
      assert(cache.bytes >= 0 && cache.bytes <= 100, `${cache.bytes} octets`);
    }
  }));
});
