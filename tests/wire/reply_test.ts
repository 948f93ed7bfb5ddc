import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeReply,
  type EnhancedStatus,
  formatEnhancedStatus,
  formatReply,
  parseEnhancedStatus,
  type Reply,
  reply,
  ReplyParser,
} from "../../lib/wire/reply.ts";
import { ReplySyntaxError } from "../../lib/wire/errors.ts";

function parseAll(text: string): Reply[] {
  const parser = new ReplyParser();
  const replies: Reply[] = [];
  for (const line of text.split("\r\n").slice(0, -1)) {
    const r = parser.push(line);
    if (r) replies.push(r);
  }
  assert.equal(parser.pending, false);
  return replies;
}

Deno.test("parseEnhancedStatus accepts class.subject.detail only", () => {
  assert.deepEqual(parseEnhancedStatus("2.1.0"), { klass: 2, subject: 1, detail: 0 });
  assert.deepEqual(parseEnhancedStatus("5.7.134"), { klass: 5, subject: 7, detail: 134 });
  for (const bad of ["3.1.0", "2.1", "2.1.0 ", "2.1000.0", "2..0", "x.1.0", "", "2.1.0.1"]) {
    assert.equal(parseEnhancedStatus(bad), undefined, bad);
  }
});

Deno.test("formatEnhancedStatus", () => {
  assert.equal(formatEnhancedStatus({ klass: 4, subject: 7, detail: 1 }), "4.7.1");
});

Deno.test("formatReply: single, multi-line, enhanced on every line, empty", () => {
  assert.equal(formatReply({ code: 250, lines: ["Ok"] }), "250 Ok\r\n");
  assert.equal(formatReply({ code: 250, lines: ["first", "last"] }), "250-first\r\n250 last\r\n");
  assert.equal(
    formatReply(reply(550, "5.1.1", "No such user", "Try again")),
    "550-5.1.1 No such user\r\n550 5.1.1 Try again\r\n",
  );
  assert.equal(formatReply({ code: 250, lines: [] }), "250\r\n");
  assert.equal(formatReply(reply(250, "2.0.0")), "250 2.0.0\r\n");
  assert.equal(formatReply({ code: 250, lines: ["", ""] }), "250-\r\n250\r\n");
  assert.equal(
    new TextDecoder().decode(encodeReply(reply(221, "2.0.0", "Bye"))),
    "221 2.0.0 Bye\r\n",
  );
});

Deno.test("formatReply refuses CR/LF in text and bad codes", () => {
  assert.throws(() => formatReply({ code: 250, lines: ["a\r\n250 b"] }), ReplySyntaxError);
  assert.throws(() => formatReply({ code: 250, lines: ["a\n"] }), ReplySyntaxError);
  for (const code of [199, 600, 25, 250.5]) {
    assert.throws(() => formatReply({ code, lines: ["x"] }), ReplySyntaxError);
  }
});

Deno.test("reply() rejects a bad enhanced status", () => {
  assert.throws(() => reply(250, "2.1"), ReplySyntaxError);
  assert.deepEqual(reply(354, undefined, "Go ahead"), { code: 354, lines: ["Go ahead"] });
});

Deno.test("ReplyParser: single and multi-line replies", () => {
  const parser = new ReplyParser();
  assert.deepEqual(parser.push("220 mx.example ESMTP"), { code: 220, lines: ["mx.example ESMTP"] });
  assert.equal(parser.push("250-mx.example"), undefined);
  assert.equal(parser.pending, true);
  assert.equal(parser.push("250-PIPELINING"), undefined);
  assert.deepEqual(parser.push("250 SIZE 10240000"), {
    code: 250,
    lines: ["mx.example", "PIPELINING", "SIZE 10240000"],
  });
  assert.equal(parser.pending, false);
  assert.deepEqual(parser.push("354"), { code: 354, lines: [""] });
});

Deno.test("ReplyParser: enhanced status from the first line, stripped from each", () => {
  assert.deepEqual(parseAll("550-5.1.1 No such\r\n550-5.1.1\r\n550 user\r\n"), [{
    code: 550,
    enhanced: { klass: 5, subject: 1, detail: 1 },
    lines: ["No such", "", "user"],
  }]);
  // RFC 2034 §4: class must equal the code's first digit.
  assert.deepEqual(parseAll("250 5.1.1 odd\r\n"), [{ code: 250, lines: ["5.1.1 odd"] }]);
  // Only when the first line has it.
  assert.deepEqual(parseAll("250-hello\r\n250 2.0.0 x\r\n"), [{
    code: 250,
    lines: ["hello", "2.0.0 x"],
  }]);
  assert.deepEqual(parseAll("250 2.0.0x\r\n"), [{ code: 250, lines: ["2.0.0x"] }]);
  assert.deepEqual(parseAll("250 2.0.0\r\n"), [{
    code: 250,
    enhanced: { klass: 2, subject: 0, detail: 0 },
    lines: [""],
  }]);
});

Deno.test("ReplyParser: malformed lines throw and the parser recovers", () => {
  const parser = new ReplyParser();
  for (const bad of ["", "25", "2500 x", "abc ok", "150 x", "650 x", "250_x", " 250 x", "250\tx"]) {
    assert.throws(() => parser.push(bad), ReplySyntaxError, bad);
  }
  parser.push("250-a");
  assert.throws(() => parser.push("251 b"), ReplySyntaxError);
  assert.equal(parser.pending, false);
  parser.push("250-a");
  assert.throws(() => parser.push("x"), ReplySyntaxError);
  assert.deepEqual(parser.push("221 bye"), { code: 221, lines: ["bye"] });
});

const textChar = fc.oneof(
  { arbitrary: fc.constantFrom(" ", "-", ".", "2", "5", "a"), weight: 4 },
  { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 1 },
);
const replyText = fc.string({ unit: textChar, maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));
const replyArb: fc.Arbitrary<Reply> = fc.integer({ min: 200, max: 599 }).chain((code) => {
  const klass = Math.floor(code / 100);
  const enhanced: fc.Arbitrary<EnhancedStatus | undefined> = klass === 3
    ? fc.constant(undefined)
    : fc.option(
      fc.record({
        klass: fc.constant(klass as 2 | 4 | 5),
        subject: fc.integer({ min: 0, max: 999 }),
        detail: fc.integer({ min: 0, max: 999 }),
      }),
      { nil: undefined },
    );
  return fc.record({
    code: fc.constant(code),
    enhanced,
    lines: fc.array(replyText, { minLength: 1, maxLength: 5 }),
  }).filter((r) => r.enhanced !== undefined || !/^[245]\.\d{1,3}\.\d{1,3}( |$)/.test(r.lines[0]))
    .map(({ code, enhanced, lines }) =>
      enhanced === undefined ? { code, lines } : { code, enhanced: { ...enhanced }, lines }
    );
});

Deno.test("property: parse(format(reply)) is the reply", () => {
  fc.assert(
    fc.property(fc.array(replyArb, { minLength: 1, maxLength: 4 }), (replies) => {
      assert.deepEqual(parseAll(replies.map(formatReply).join("")), replies);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("property: garbage lines only ever throw ReplySyntaxError", () => {
  const line = fc.oneof(
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.tuple(fc.constantFrom("250", "550", "221", "2.1", "5.5.5"), fc.string({ maxLength: 12 }))
      .map(([a, b]) => a + b),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 10 }), (lines) => {
      const parser = new ReplyParser();
      for (const l of lines) {
        try {
          const r = parser.push(l);
          if (r) assert.ok(r.code >= 200 && r.code <= 599 && r.lines.length >= 1);
        } catch (e) {
          assert.ok(e instanceof ReplySyntaxError, String(e));
        }
      }
    }),
    { numRuns: 3000 },
  );
});
