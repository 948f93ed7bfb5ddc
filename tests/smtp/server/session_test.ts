import { deepEqual, equal, ok } from "node:assert/strict";
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from "../../../lib/smtp/server/limits.ts";
import { Replies } from "../../../lib/smtp/server/replies.ts";
import { ServerSession, type Step } from "../../../lib/smtp/server/session.ts";

const encoder = new TextEncoder();

function newSession(limits: Partial<SessionLimits> = {}) {
  return new ServerSession("mx.test", { address: "127.0.0.1", port: 4000 }, {
    ...DEFAULT_SESSION_LIMITS,
    ...limits,
  });
}

/** Feeds commands; `+N` feeds a BDAT chunk of N octets, `.` ends DATA, `=id` stores as `id`. */
function run(session: ServerSession, ...lines: string[]): Step[] {
  return lines.map((line) => {
    if (line === ".") return session.dataComplete({ size: 10, bareNewlines: 0 });
    if (line.startsWith("=")) return session.stored(line.slice(1));
    const chunk = /^\+(\d+)( LAST)?$/.exec(line);
    if (chunk) return session.chunkComplete({ size: Number(chunk[1]), last: !!chunk[2] });
    return session.command(encoder.encode(line));
  });
}

function codes(steps: Step[]): number[] {
  return steps.flatMap((step) => step.replies.map((reply) => reply.code));
}

const SETUPS: Record<string, string[]> = {
  fresh: [],
  helo: ["HELO client.test"],
  ehlo: ["EHLO client.test"],
  mail: ["EHLO client.test", "MAIL FROM:<a@x.test>"],
  rcpt: ["EHLO client.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"],
};

/** The reply code of each command in each state (RFC 5321 §4.1.4, §4.3.2). */
const MATRIX: [string, Record<keyof typeof SETUPS, number>][] = [
  ["HELO c.test", { fresh: 250, helo: 250, ehlo: 250, mail: 250, rcpt: 250 }],
  ["EHLO c.test", { fresh: 250, helo: 250, ehlo: 250, mail: 250, rcpt: 250 }],
  ["MAIL FROM:<s@x.test>", { fresh: 503, helo: 250, ehlo: 250, mail: 503, rcpt: 503 }],
  ["RCPT TO:<r@y.test>", { fresh: 503, helo: 503, ehlo: 503, mail: 250, rcpt: 250 }],
  ["DATA", { fresh: 503, helo: 503, ehlo: 503, mail: 503, rcpt: 354 }],
  ["RSET", { fresh: 250, helo: 250, ehlo: 250, mail: 250, rcpt: 250 }],
  ["NOOP", { fresh: 250, helo: 250, ehlo: 250, mail: 250, rcpt: 250 }],
  ["NOOP with an argument", { fresh: 250, helo: 250, ehlo: 250, mail: 250, rcpt: 250 }],
  ["HELP", { fresh: 214, helo: 214, ehlo: 214, mail: 214, rcpt: 214 }],
  ["VRFY someone", { fresh: 252, helo: 252, ehlo: 252, mail: 252, rcpt: 252 }],
  ["VRFY", { fresh: 501, helo: 501, ehlo: 501, mail: 501, rcpt: 501 }],
  ["EXPN list", { fresh: 502, helo: 502, ehlo: 502, mail: 502, rcpt: 502 }],
  ["SEND FROM:<a@x.test>", { fresh: 502, helo: 502, ehlo: 502, mail: 502, rcpt: 502 }],
  ["SOML FROM:<a@x.test>", { fresh: 502, helo: 502, ehlo: 502, mail: 502, rcpt: 502 }],
  ["SAML FROM:<a@x.test>", { fresh: 502, helo: 502, ehlo: 502, mail: 502, rcpt: 502 }],
  ["TURN", { fresh: 502, helo: 502, ehlo: 502, mail: 502, rcpt: 502 }],
  ["ETRN example.test", { fresh: 502, helo: 502, ehlo: 502, mail: 502, rcpt: 502 }],
  ["ATRN example.test", { fresh: 502, helo: 502, ehlo: 502, mail: 502, rcpt: 502 }],
  ["FROBNICATE", { fresh: 500, helo: 500, ehlo: 500, mail: 500, rcpt: 500 }],
  ["", { fresh: 500, helo: 500, ehlo: 500, mail: 500, rcpt: 500 }],
  ["QUIT", { fresh: 221, helo: 221, ehlo: 221, mail: 221, rcpt: 221 }],
];

for (const [command, expected] of MATRIX) {
  Deno.test(`session: "${command}" in every state`, () => {
    for (const [state, setup] of Object.entries(SETUPS)) {
      const session = newSession();
      const setupCodes = codes(run(session, ...setup));
      ok(setupCodes.every((code) => code < 400), `${state} setup: ${setupCodes}`);
      const [step] = run(session, command);
      equal(step.replies[0].code, expected[state], `${command} in ${state}`);
      if (command === "QUIT") equal(step.next.kind, "close");
    }
  });
}

Deno.test("session: greeting is 220 with the hostname and no enhanced status", () => {
  const greeting = newSession().greeting();
  equal(greeting.code, 220);
  equal(greeting.enhanced, undefined);
  ok(greeting.lines[0].startsWith("mx.test "));
});

Deno.test("session: EHLO advertises every extension, with SIZE", () => {
  const [step] = run(newSession({ maxMessageSize: 1234 }), "EHLO c.test");
  deepEqual(step.replies[0].lines.slice(1), [
    "PIPELINING",
    "SIZE 1234",
    "8BITMIME",
    "SMTPUTF8",
    "ENHANCEDSTATUSCODES",
    "CHUNKING",
    "BINARYMIME",
    "DSN",
  ]);
});

Deno.test("session: every reply after the greeting but HELO/EHLO carries an enhanced status", () => {
  const session = newSession();
  const steps = run(
    session,
    "EHLO c.test",
    "MAIL FROM:<a@x.test>",
    "RCPT TO:<b@y.test>",
    "DATA",
    ".",
    "=Q1",
    "NOOP",
    "FOO",
    "QUIT",
  );
  for (const step of steps.slice(1)) {
    for (const reply of step.replies) {
      if (reply.code !== 354) ok(reply.enhanced, `${reply.code} ${reply.lines}`);
    }
  }
});

Deno.test("session: a full transaction stores the envelope and answers with the queue id", () => {
  const session = newSession();
  const steps = run(
    session,
    "EHLO c.test",
    "MAIL FROM:<a@x.test> SIZE=100 BODY=8BITMIME",
    "RCPT TO:<b@y.test> NOTIFY=SUCCESS,FAILURE",
    "RCPT TO:<c@y.test>",
    "DATA",
    ".",
  );
  const last = steps.at(-1)!;
  equal(last.next.kind, "store");
  if (last.next.kind !== "store") return;
  equal(last.next.envelope.reversePath.text, "a@x.test");
  deepEqual(last.next.envelope.recipients.map((r) => r.path.text), ["b@y.test", "c@y.test"]);
  deepEqual(last.next.envelope.recipients[0].params.notify, ["SUCCESS", "FAILURE"]);
  equal(last.next.envelope.mailParams.body, "8BITMIME");
  const [stored] = run(session, "=ABC123");
  equal(stored.replies[0].code, 250);
  ok(stored.replies[0].lines[0].includes("ABC123"));
  equal(session.inTransaction, false);
  equal(session.messages, 1);
  equal(codes(run(session, "MAIL FROM:<>"))[0], 250, "a new transaction may start");
});

Deno.test("session: HELO gets the plain dialogue and ESMTP parameters get 555", () => {
  const session = newSession();
  const [helo] = run(session, "HELO c.test");
  equal(helo.replies[0].lines.length, 1);
  equal(codes(run(session, "MAIL FROM:<a@x.test> SIZE=10"))[0], 555);
  equal(codes(run(session, "MAIL FROM:<a@x.test>"))[0], 250);
});

Deno.test("session: SIZE over the limit at MAIL gets 552 5.3.4", () => {
  const session = newSession({ maxMessageSize: 1000 });
  const [step] = run(session, "EHLO c.test", "MAIL FROM:<a@x.test> SIZE=1001").slice(1);
  equal(step.replies[0].code, 552);
  deepEqual(step.replies[0].enhanced, { klass: 5, subject: 3, detail: 4 });
});

Deno.test("session: content over the limit gets 552 and no store", () => {
  const session = newSession({ maxMessageSize: 5 });
  run(session, "EHLO c.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA");
  const step = session.dataComplete({ size: 6, bareNewlines: 0 });
  equal(step.replies[0].code, 552);
  equal(step.next.kind, "command");
  equal(session.inTransaction, false);
});

Deno.test("session: recipients past the limit get 452 and the rest stay accepted", () => {
  const session = newSession({ maxRecipients: 2 });
  const steps = run(
    session,
    "EHLO c.test",
    "MAIL FROM:<a@x.test>",
    "RCPT TO:<r1@y.test>",
    "RCPT TO:<r2@y.test>",
    "RCPT TO:<r3@y.test>",
  );
  deepEqual(codes(steps), [250, 250, 250, 250, 452]);
  equal(session.envelope?.recipients.length, 2);
});

Deno.test("session: bare newlines are stored by default and refused with --bare-lf=reject", () => {
  const lenient = newSession();
  run(lenient, "EHLO c.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA");
  equal(lenient.dataComplete({ size: 10, bareNewlines: 2 }).next.kind, "store");
  const strict = newSession({ bareNewlines: "reject" });
  run(strict, "EHLO c.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA");
  const step = strict.dataComplete({ size: 10, bareNewlines: 1 });
  equal(step.replies[0].code, 550);
  deepEqual(step.replies[0].enhanced, { klass: 5, subject: 6, detail: 11 });
});

Deno.test("session: BDAT chunks, BDAT LAST, and the rules around them (RFC 3030)", () => {
  const session = newSession();
  run(session, "EHLO c.test", "MAIL FROM:<a@x.test> BODY=BINARYMIME", "RCPT TO:<b@y.test>");
  equal(codes(run(session, "DATA"))[0], 503, "BINARYMIME needs BDAT");
  const [bdat] = run(session, "BDAT 5");
  deepEqual(bdat.next, { kind: "chunk", size: 5, last: false, discard: false });
  equal(codes(run(session, "+5"))[0], 250);
  equal(codes(run(session, "MAIL FROM:<x@x.test>"))[0], 503, "only BDAT/RSET/QUIT after a chunk");
  run(session, "BDAT 0 LAST");
  const [last] = run(session, "+0 LAST");
  equal(last.next.kind, "store");
});

Deno.test("session: a BDAT chunk out of sequence is read, discarded and refused with 503", () => {
  const session = newSession();
  run(session, "EHLO c.test");
  const [bdat] = run(session, "BDAT 3 LAST");
  deepEqual(bdat.next, { kind: "chunk", size: 3, last: true, discard: true });
  equal(bdat.replies.length, 0);
  equal(codes(run(session, "+3 LAST"))[0], 503);
  equal(codes(run(session, "BDAT x"))[0], 501);
});

Deno.test("session: BDAT chunks past the size limit are discarded with 552", () => {
  const session = newSession({ maxMessageSize: 10 });
  run(session, "EHLO c.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "BDAT 6", "+6");
  const [bdat] = run(session, "BDAT 6 LAST");
  equal(bdat.next.kind === "chunk" && bdat.next.discard, true);
  equal(codes(run(session, "+6 LAST"))[0], 552);
});

Deno.test("session: address errors say what is wrong", () => {
  const session = newSession();
  run(session, "EHLO c.test");
  equal(codes(run(session, "MAIL FROM:a@x.test"))[0], 501);
  equal(codes(run(session, "MAIL FROM:<a@@x.test>"))[0], 501);
  equal(codes(run(session, "MAIL FROM:<ü@x.test>"))[0], 553, "non-ASCII needs SMTPUTF8");
  equal(codes(run(session, "MAIL FROM:<ü@x.test> SMTPUTF8"))[0], 250);
  equal(codes(run(session, "RCPT TO:<>"))[0], 501, "null path is not a recipient");
  equal(codes(run(session, "RCPT TO:<Postmaster>"))[0], 250, "RFC 5321 §4.1.1.3");
  equal(codes(run(session, "RCPT TO:<用户@例え.テスト>"))[0], 250);
  equal(codes(run(session, "RCPT TO:<b@y.test> FOO=BAR"))[0], 555);
  equal(codes(run(session, "RCPT TO:<b@y.test> SIZE=10"))[0], 555, "SIZE is a MAIL parameter");
});

Deno.test("session: commands are case-insensitive", () => {
  const session = newSession();
  deepEqual(
    codes(run(session, "ehlo c.test", "mail from:<a@x.test>", "rcpt to:<b@y.test>", "data")),
    [250, 250, 250, 354],
  );
});

Deno.test("session: EHLO in a transaction resets it (RFC 5321 §4.1.4)", () => {
  const session = newSession();
  run(session, "EHLO c.test", "MAIL FROM:<a@x.test>");
  run(session, "EHLO c.test");
  equal(session.inTransaction, false);
  equal(codes(run(session, "RCPT TO:<b@y.test>"))[0], 503);
});

Deno.test("session: too many errors end the session with 421", () => {
  const session = newSession({ maxErrors: 3 });
  const steps = run(session, "FOO", "BAR", "BAZ");
  deepEqual(codes(steps), [500, 500, 500, 421]);
  equal(steps[2].next.kind, "close");
});

Deno.test("session: store failures answer 451/452 and end the transaction", () => {
  const session = newSession();
  run(session, "EHLO c.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", ".");
  const full = session.storeFailed("disk-full");
  equal(full.replies[0].code, 452);
  deepEqual(full.replies[0].enhanced, { klass: 4, subject: 3, detail: 1 });
  run(session, "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", ".");
  equal(session.storeFailed("io").replies[0].code, 451);
});

Deno.test("session: timeout and shutdown close with 421", () => {
  const timeout = newSession().timeout();
  deepEqual([timeout.replies[0].code, timeout.next.kind], [421, "close"]);
  const shutdown = newSession().shutdown();
  deepEqual([shutdown.replies[0].code, shutdown.next.kind], [421, "close"]);
});

Deno.test("session: a line too long gets 500 5.5.2 and the session goes on", () => {
  const session = newSession();
  const step = session.lineTooLong();
  equal(step.replies[0].code, 500);
  equal(codes(run(session, "EHLO c.test"))[0], 250);
});

Deno.test("session: a command ending in a bare LF is refused only with --bare-lf=reject", () => {
  const lenient = newSession();
  equal(lenient.command(encoder.encode("EHLO c.test"), false).replies[0].code, 250);
  const strict = newSession({ bareNewlines: "reject" });
  const step = strict.command(encoder.encode("EHLO c.test"), false);
  deepEqual([step.replies[0].code, step.next.kind], [500, "command"]);
  equal(strict.command(encoder.encode("EHLO c.test"), true).replies[0].code, 250);
});

Deno.test("session: a declared SIZE the store cannot take now gets 452 4.3.1 at MAIL (RFC 1870 §6.1)", () => {
  const asked: number[] = [];
  const session = new ServerSession(
    "mx.test",
    { address: "127.0.0.1", port: 4000 },
    DEFAULT_SESSION_LIMITS,
    {
      declaredSize: (size) => {
        asked.push(size);
        return size > 5000 ? Replies.insufficientStorage() : undefined;
      },
    },
  );
  const steps = run(
    session,
    "EHLO client.test",
    "MAIL FROM:<a@x.test> SIZE=9000",
    "RCPT TO:<b@y.test>",
    "MAIL FROM:<a@x.test> SIZE=4000",
    "MAIL FROM:<a@x.test>",
  );
  deepEqual(codes(steps), [250, 452, 503, 250, 503]);
  equal(steps[1].replies[0].enhanced?.subject, 3);
  deepEqual(asked, [9000, 4000], "asked only when a SIZE is declared");
});
