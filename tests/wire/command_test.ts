import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatCommand,
  parseCommand,
  parseMailArgument,
  parseRcptArgument,
} from "../../lib/wire/command.ts";
import { CommandSyntaxError, WireError } from "../../lib/wire/errors.ts";

const enc = new TextEncoder();
const cmd = (s: string) => parseCommand(enc.encode(s));

Deno.test("parseCommand splits verb and argument, upper-cases the verb", () => {
  assert.deepEqual(cmd("EHLO mx.example"), { verb: "EHLO", argument: "mx.example" });
  assert.deepEqual(cmd("quit"), { verb: "QUIT", argument: "" });
  assert.deepEqual(cmd("mail FROM:<A@B>"), { verb: "MAIL", argument: "FROM:<A@B>" });
  assert.deepEqual(cmd("  rcpt \t TO:<a@b>  NOTIFY=NEVER \t"), {
    verb: "RCPT",
    argument: "TO:<a@b>  NOTIFY=NEVER",
  });
  assert.deepEqual(cmd("NOOP "), { verb: "NOOP", argument: "" });
});

Deno.test("parseCommand decodes UTF-8 leniently and upper-cases ASCII only", () => {
  assert.deepEqual(cmd("RCPT TO:<δοκιμή@παράδειγμα.δοκιμή>"), {
    verb: "RCPT",
    argument: "TO:<δοκιμή@παράδειγμα.δοκιμή>",
  });
  assert.equal(cmd("maıl x").verb, "MAıL");
  assert.equal(parseCommand(Uint8Array.of(0x48, 0xff, 0x4f)).verb, "H\ufffdO");
});

Deno.test("parseCommand rejects an empty line", () => {
  assert.throws(() => cmd(""), CommandSyntaxError);
  assert.throws(() => cmd(" \t "), CommandSyntaxError);
});

Deno.test("parseMailArgument: paths, null path, parameters", () => {
  assert.deepEqual(parseMailArgument("FROM:<Smith@bar.com>"), {
    path: "Smith@bar.com",
    params: { other: new Map() },
  });
  assert.deepEqual(parseMailArgument("from:<> SIZE=10 BODY=8BITMIME"), {
    path: "",
    params: { size: 10, body: "8BITMIME", other: new Map() },
  });
  // Postfix tolerates spaces after the colon.
  assert.equal(parseMailArgument("FROM:  <a@b>").path, "a@b");
  assert.equal(parseMailArgument("FROM:<@a,@b:c@d>").path, "@a,@b:c@d");
  assert.equal(parseMailArgument('FROM:<"a> b"@c>  SMTPUTF8').path, '"a> b"@c');
  assert.equal(parseMailArgument('FROM:<"a\\"> b"@c>').path, '"a\\"> b"@c');
  assert.equal(parseMailArgument("FROM:<a@b>\tRET=HDRS").params.ret, "HDRS");
});

Deno.test("parseMailArgument requires FROM: and angle brackets", () => {
  for (
    const bad of ["", "FROM:", "FROM:a@b", "TO:<a@b>", "FROM <a@b>", "FROM:<a@b", "FROM:<a@b>x"]
  ) {
    assert.throws(() => parseMailArgument(bad), /Syntax: MAIL FROM:<address>/, bad);
  }
  assert.throws(() => parseMailArgument('FROM:<"a>'), CommandSyntaxError);
  assert.throws(() => parseMailArgument("FROM:<a@b> SIZE=x"), /SIZE/);
});

Deno.test("parseRcptArgument: forward paths", () => {
  assert.deepEqual(parseRcptArgument("TO:<Postmaster>"), {
    path: "Postmaster",
    params: { other: new Map() },
  });
  const { params } = parseRcptArgument("to:<a@b> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+2Bx@b");
  assert.deepEqual(params.notify, ["SUCCESS", "FAILURE"]);
  assert.deepEqual(params.orcpt, { addrType: "rfc822", address: "a+x@b" });
  assert.throws(() => parseRcptArgument("TO:a@b"), /Syntax: RCPT TO:<address>/);
  assert.throws(() => parseRcptArgument("FROM:<a@b>"), /Syntax: RCPT TO:<address>/);
});

Deno.test("formatCommand writes VERB SP argument CRLF and refuses CR/LF", () => {
  const dec = new TextDecoder();
  assert.equal(dec.decode(formatCommand("QUIT")), "QUIT\r\n");
  assert.equal(dec.decode(formatCommand("EHLO", "a.example")), "EHLO a.example\r\n");
  assert.equal(dec.decode(formatCommand("DATA", "")), "DATA\r\n");
  assert.throws(() => formatCommand("MAIL", "FROM:<a>\r\nRCPT TO:<b>"), CommandSyntaxError);
  assert.throws(() => formatCommand("NO\nOP"), CommandSyntaxError);
});

Deno.test("property: format → parse gives back verb and argument", () => {
  const word = fc.string({ unit: fc.constantFrom("A", "b", "1", "-"), minLength: 1, maxLength: 8 });
  const arg = fc.string({ unit: "binary", maxLength: 30 })
    .map((s) => s.replace(/[\r\n]/g, "").replace(/^[ \t]+|[ \t]+$/g, ""));
  fc.assert(
    fc.property(word, arg, (verb, argument) => {
      assert.deepEqual(parseCommand(formatCommand(verb, argument).subarray(0, -2)), {
        verb: verb.toUpperCase(),
        argument,
      });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("property: garbage only ever throws WireError subclasses", () => {
  const unit = fc.oneof(
    {
      arbitrary: fc.constantFrom("<", ">", '"', "\\", " ", ":", "=", "+", ",", ";", "@"),
      weight: 3,
    },
    {
      arbitrary: fc.constantFrom("FROM:", "TO:", "SIZE", "NOTIFY", "ORCPT", "AUTH", "NEVER"),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 1 },
  );
  fc.assert(
    fc.property(
      fc.string({ unit, maxLength: 20 }),
      fc.uint8Array({ maxLength: 30 }),
      (s, bytes) => {
        for (
          const run of [
            () => parseMailArgument(s),
            () => parseRcptArgument(s),
            () => parseCommand(bytes),
          ]
        ) {
          try {
            run();
          } catch (e) {
            assert.ok(e instanceof WireError, String(e));
          }
        }
      },
    ),
    { numRuns: 3000 },
  );
});
