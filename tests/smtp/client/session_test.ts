import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { ClientSession, type ClientSessionOptions } from "../../../lib/smtp/client/session.ts";
import { ClientSessionError } from "../../../lib/smtp/client/errors.ts";
import type { Reply } from "../../../lib/wire/reply.ts";

const r = (code: number, ...lines: string[]): Reply => ({
  code,
  lines: lines.length ? lines : [""],
});
const OK = r(250, "2.0.0 Ok");
const EHLO_PLAIN = r(250, "mx.test", "SIZE 1000", "8BITMIME");
const EHLO_PIPE = r(250, "mx.test", "PIPELINING", "SIZE", "8BITMIME", "DSN", "SMTPUTF8");

function session(extra: Partial<ClientSessionOptions> = {}, recipients = ["b@y.test", "c@y.test"]) {
  return new ClientSession({
    clientName: "client.test",
    transactions: [{
      reversePath: "a@x.test",
      recipients: recipients.map((forwardPath) => ({ forwardPath, notify: ["FAILURE" as const] })),
      size: 100,
      body: "8BITMIME",
      envid: "id+1",
    }],
    ...extra,
  });
}

/** The session's first transaction. */
const t = (s: ClientSession) => s.transactions[0];

/** The command lines a step asks for. */
function lines(step: { commands: { verb: string; argument?: string }[] }): string[] {
  return step.commands.map((c) => c.argument === undefined ? c.verb : `${c.verb} ${c.argument}`);
}

Deno.test("without PIPELINING: one command per reply, each recipient's reply kept", () => {
  const s = session();
  deepEqual(lines(s.feed(r(220, "mx.test ESMTP"))), ["EHLO client.test"]);
  deepEqual(lines(s.feed(EHLO_PLAIN)), ["MAIL FROM:<a@x.test> SIZE=100 BODY=8BITMIME"]);
  equal(s.capabilities.size, 1000);
  deepEqual(lines(s.feed(OK)), ["RCPT TO:<b@y.test>"]);
  deepEqual(lines(s.feed(r(550, "5.1.1 no such user"))), ["RCPT TO:<c@y.test>"]);
  deepEqual(lines(s.feed(OK)), ["DATA"]);
  const data = s.feed(r(354, "go ahead"));
  deepEqual([data.content, data.commands.length], ["data", 0]);
  equal(s.expecting, "content");
  deepEqual(lines(s.feed(r(250, "2.0.0 Ok: queued as ABC"))), ["QUIT"]);
  ok(s.feed(r(221, "bye")).close);
  equal(s.done, true);
  deepEqual(t(s).recipients.map((x) => x.reply?.code), [550, 250]);
  equal(t(s).finalReply?.code, 250);
  equal(t(s).failure, undefined);
  equal(s.delivered, false, "one recipient was refused");
});

Deno.test("with PIPELINING: MAIL, every RCPT and DATA in one group, DSN parameters sent", () => {
  const s = session({}, ["b@y.test", "c@y.test"]);
  s.feed(r(220, "mx"));
  deepEqual(lines(s.feed(EHLO_PIPE)), [
    "MAIL FROM:<a@x.test> SIZE=100 BODY=8BITMIME ENVID=id+2B1",
    "RCPT TO:<b@y.test> NOTIFY=FAILURE",
    "RCPT TO:<c@y.test> NOTIFY=FAILURE",
    "DATA",
  ]);
  for (const expected of ["mail", "rcpt", "rcpt"]) {
    equal(s.expecting, expected);
    deepEqual(s.feed(OK), { commands: [], close: false });
  }
  ok(s.feed(r(354, "go")).content);
  deepEqual(lines(s.feed(OK)), ["QUIT"]);
  s.feed(r(221, "bye"));
  ok(s.delivered);
});

Deno.test("pipelined MAIL refused: the rest of the group is read, DATA's 354 ended empty", () => {
  const s = session({}, ["b@y.test"]);
  s.feed(r(220, "mx"));
  s.feed(EHLO_PIPE);
  deepEqual(s.feed(r(451, "4.3.0 try later")).commands, []);
  deepEqual(s.feed(r(503, "5.5.1 need MAIL")).commands, []);
  deepEqual(lines(s.feed(r(354, "go"))), ["."]);
  deepEqual(lines(s.feed(r(554, "no valid recipients"))), ["QUIT"]);
  deepEqual([t(s).failure?.stage, t(s).failure?.reply?.code], ["mail", 451]);
  equal(t(s).finalReply, undefined);
});

Deno.test("pipelined: every RCPT refused fails at rcpt and DATA's refusal is not the cause", () => {
  const s = session({}, ["b@y.test"]);
  s.feed(r(220, "mx"));
  s.feed(EHLO_PIPE);
  s.feed(OK);
  s.feed(r(550, "5.1.1 unknown"));
  deepEqual(lines(s.feed(r(554, "5.5.1 no valid recipients"))), ["QUIT"]);
  deepEqual([t(s).failure?.stage, t(s).failure?.reply?.code], ["rcpt", 550]);
});

Deno.test("EHLO refused with 5xx falls back to HELO, which offers no extensions", () => {
  const s = session();
  s.feed(r(220, "mx"));
  deepEqual(lines(s.feed(r(502, "5.5.2 command not recognized"))), ["HELO client.test"]);
  deepEqual(lines(s.feed(r(250, "mx.test"))), ["MAIL FROM:<a@x.test>"]);
  equal(s.capabilities.pipelining, false);
  equal(s.helloReply?.code, 250);
});

Deno.test("a 4xx or 5xx at each stage fails there and QUITs", () => {
  const paths: [string, Reply[], Reply][] = [
    ["banner", [], r(554, "5.3.2 go away")],
    ["ehlo", [r(220, "mx")], r(451, "4.3.2 busy")],
    ["helo", [r(220, "mx"), r(500, "no ehlo")], r(550, "no helo either")],
    ["mail", [r(220, "mx"), EHLO_PLAIN], r(452, "4.3.1 full")],
    ["rcpt", [r(220, "mx"), EHLO_PLAIN, OK, r(450, "4.2.0 greylisted")], r(550, "5.1.1 unknown")],
    ["data", [r(220, "mx"), EHLO_PLAIN, OK, OK, OK], r(554, "5.7.1 no")],
    ["content", [r(220, "mx"), EHLO_PLAIN, OK, OK, OK, r(354, "go")], r(552, "5.3.4 too big")],
  ];
  for (const [stage, before, failing] of paths) {
    const s = session();
    for (const reply of before) s.feed(reply);
    equal(s.expecting, stage);
    deepEqual(lines(s.feed(failing)), ["QUIT"], stage);
    equal((s.failure ?? t(s).failure)?.stage, stage);
    equal(s.expecting, "quit");
    equal(s.delivered, false);
  }
});

Deno.test("421 at any stage closes without QUIT (RFC 5321 §3.8)", () => {
  const s = session();
  const step = s.feed(r(421, "4.3.2 shutting down"));
  deepEqual([step.commands, step.close], [[], true]);
  deepEqual([s.failure?.stage, s.failure?.reply?.code, s.greeting?.code], ["banner", 421, 421]);
  throws(() => s.feed(OK), ClientSessionError);
});

Deno.test("--quit-after stops at each step with QUIT; after data it closes", () => {
  const run = (quitAfter: ClientSessionOptions["quitAfter"], replies: Reply[]) => {
    const s = session({ quitAfter });
    return replies.map((reply) => s.feed(reply)).at(-1)!;
  };
  deepEqual(lines(run("connect", [r(220, "mx")])), ["QUIT"]);
  deepEqual(lines(run("banner", [r(220, "mx")])), ["QUIT"]);
  deepEqual(lines(run("ehlo", [r(220, "mx"), EHLO_PLAIN])), ["QUIT"]);
  deepEqual(lines(run("mail", [r(220, "mx"), EHLO_PLAIN, OK])), ["QUIT"]);
  deepEqual(lines(run("rcpt", [r(220, "mx"), EHLO_PLAIN, OK, OK, OK])), ["QUIT"]);
  deepEqual(lines(run("mail", [r(220, "mx"), EHLO_PIPE])), [
    "MAIL FROM:<a@x.test> SIZE=100 BODY=8BITMIME ENVID=id+2B1",
  ]);
  const data = run("data", [r(220, "mx"), EHLO_PLAIN, OK, OK, OK, r(354, "go")]);
  deepEqual([data.content, data.close], [undefined, true]);
});

Deno.test("SMTPUTF8 needed but not offered, or a message over SIZE: refused before MAIL", () => {
  const utf8 = new ClientSession({
    clientName: "c",
    transactions: [{
      reversePath: "ü@x.test",
      recipients: [{ forwardPath: "b@y" }],
      smtputf8: true,
    }],
  });
  utf8.feed(r(220, "mx"));
  deepEqual(lines(utf8.feed(EHLO_PLAIN)), ["QUIT"]);
  deepEqual([t(utf8).failure?.stage, t(utf8).failure?.reply], ["mail", undefined]);
  const big = new ClientSession({
    clientName: "c",
    transactions: [{ reversePath: "a@x", recipients: [{ forwardPath: "b@y" }], size: 5000 }],
  });
  big.feed(r(220, "mx"));
  deepEqual(lines(big.feed(EHLO_PLAIN)), ["QUIT"]);
  ok(t(big).failure?.reason.includes("SIZE 1000"));
});

/** A session of several one-recipient transactions. */
function multi(extra: Partial<ClientSessionOptions>, ...senders: string[]) {
  return new ClientSession({
    clientName: "client.test",
    transactions: senders.map((reversePath) => ({
      reversePath,
      recipients: [{ forwardPath: "b@y.test" }],
    })),
    ...extra,
  });
}

Deno.test("several transactions: MAIL again after a 250, no RSET; one result each", () => {
  const s = multi({}, "a@x.test", "c@x.test");
  s.feed(r(220, "mx"));
  deepEqual(lines(s.feed(EHLO_PLAIN)), ["MAIL FROM:<a@x.test>"]);
  s.feed(OK);
  s.feed(OK);
  s.feed(r(354, "go"));
  deepEqual(lines(s.feed(r(250, "queued as 1"))), ["MAIL FROM:<c@x.test>"]);
  s.feed(OK);
  s.feed(OK);
  s.feed(r(354, "go"));
  deepEqual(lines(s.feed(r(250, "queued as 2"))), ["QUIT"]);
  deepEqual(s.transactions.map((x) => x.finalReply?.lines[0]), ["queued as 1", "queued as 2"]);
  deepEqual(s.transactions.map((x) => x.transaction.reversePath), ["a@x.test", "c@x.test"]);
  ok(s.delivered);
});

Deno.test("several transactions: RSET after one left open, then the next MAIL", () => {
  const s = multi({}, "a@x.test", "c@x.test");
  s.feed(r(220, "mx"));
  s.feed(EHLO_PLAIN);
  s.feed(OK);
  deepEqual(lines(s.feed(r(550, "5.1.1 unknown"))), ["RSET"]);
  equal(s.expecting, "rset");
  deepEqual(lines(s.feed(OK)), ["MAIL FROM:<c@x.test>"]);
  deepEqual(s.transactions.map((x) => x.failure?.stage), ["rcpt", undefined]);
  equal(s.failure, undefined, "a transaction's failure is not the session's");
});

Deno.test("several transactions: a refused MAIL needs no RSET; SIZE refusal skips to the next", () => {
  const s = new ClientSession({
    clientName: "c",
    transactions: [
      { reversePath: "a@x", recipients: [{ forwardPath: "b@y" }] },
      { reversePath: "big@x", recipients: [{ forwardPath: "b@y" }], size: 5000 },
      { reversePath: "d@x", recipients: [{ forwardPath: "b@y" }] },
    ],
  });
  s.feed(r(220, "mx"));
  s.feed(EHLO_PLAIN);
  deepEqual(lines(s.feed(r(451, "4.3.0 later"))), ["MAIL FROM:<d@x>"]);
  deepEqual(s.transactions.map((x) => x.failure?.stage), ["mail", "mail", undefined]);
  equal(s.transactions[1].failure?.reply, undefined);
});

Deno.test("several transactions with PIPELINING: RSET leads the next group", () => {
  const s = multi({}, "a@x.test", "c@x.test");
  s.feed(r(220, "mx"));
  s.feed(EHLO_PIPE);
  s.feed(OK);
  s.feed(OK);
  deepEqual(lines(s.feed(r(554, "5.7.1 no DATA"))), [
    "RSET",
    "MAIL FROM:<c@x.test>",
    "RCPT TO:<b@y.test>",
    "DATA",
  ]);
  for (const stage of ["rset", "mail", "rcpt"]) {
    equal(s.expecting, stage);
    deepEqual(s.feed(OK).commands, []);
  }
  ok(s.feed(r(354, "go")).content);
  deepEqual(lines(s.feed(OK)), ["QUIT"]);
  deepEqual(s.transactions.map((x) => x.delivered), [false, true]);
});

Deno.test("keepOpen: idle when the queue runs dry; next() and quit() go on from there", () => {
  const s = multi({ keepOpen: true });
  s.feed(r(220, "mx"));
  deepEqual(s.feed(EHLO_PLAIN).commands, []);
  ok(s.idle);
  equal(s.expecting, undefined);
  throws(() => s.feed(OK), ClientSessionError);
  deepEqual(lines(s.next({ reversePath: "a@x", recipients: [{ forwardPath: "b@y" }] })), [
    "MAIL FROM:<a@x>",
  ]);
  equal(s.idle, false);
  throws(() => s.quit(), ClientSessionError);
  s.feed(OK);
  s.feed(OK);
  s.feed(r(354, "go"));
  deepEqual(s.feed(OK).commands, []);
  ok(s.idle);
  deepEqual(lines(s.quit()), ["QUIT"]);
  ok(s.feed(r(221, "bye")).close);
  ok(s.delivered);
});

Deno.test("421 inside a transaction fails both the transaction and the session", () => {
  const s = multi({}, "a@x");
  s.feed(r(220, "mx"));
  s.feed(EHLO_PLAIN);
  ok(s.feed(r(421, "4.3.2 bye")).close);
  deepEqual([s.failure?.stage, t(s).failure?.stage], ["mail", "mail"]);
});

const EHLO_TLS = r(250, "mx.test", "STARTTLS", "AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2");
const ONE = [{ reversePath: "a@x", recipients: [{ forwardPath: "b@y" }] }];

/** A one-transaction session with `extra` options, fed `replies`; the last step. */
function fed(extra: Partial<ClientSessionOptions>, ...replies: Reply[]) {
  const s = new ClientSession({ clientName: "c", transactions: ONE, ...extra });
  const steps = replies.map((reply) => s.feed(reply));
  return { s, step: steps.at(-1)! };
}

Deno.test("STARTTLS required: 220 starts TLS, EHLO again, capabilities forgotten (RFC 3207 §4.2)", () => {
  const { s, step } = fed({ starttls: "require" }, r(220, "mx"), EHLO_TLS);
  deepEqual(lines(step), ["STARTTLS"]);
  equal(s.expecting, "starttls");
  const tls = s.feed(r(220, "2.0.0 go ahead"));
  deepEqual([tls.startTls, lines(tls)], [true, ["EHLO c"]]);
  ok(s.secure);
  deepEqual(s.capabilities.auth, []);
  deepEqual(lines(s.feed(r(250, "mx.test", "STARTTLS", "PIPELINING"))), [
    "MAIL FROM:<a@x>",
    "RCPT TO:<b@y>",
    "DATA",
  ]);
  equal(s.starttlsReply?.code, 220);
});

Deno.test("STARTTLS required but not offered or refused: failure at starttls, QUIT", () => {
  const absent = fed({ starttls: "require" }, r(220, "mx"), EHLO_PLAIN);
  deepEqual(lines(absent.step), ["QUIT"]);
  deepEqual([absent.s.failure?.stage, absent.s.failure?.reply], ["starttls", undefined]);
  match(absent.s.failure!.reason, /does not offer STARTTLS/);
  const refused = fed({ starttls: "require" }, r(220, "mx"), EHLO_TLS, r(454, "4.7.0 no TLS"));
  deepEqual(lines(refused.step), ["QUIT"]);
  deepEqual([refused.s.failure?.stage, refused.s.failure?.reply?.code], ["starttls", 454]);
});

Deno.test("STARTTLS opportunistic: goes on in the clear when absent or refused", () => {
  deepEqual(lines(fed({ starttls: "opportunistic" }, r(220, "mx"), EHLO_PLAIN).step), [
    "MAIL FROM:<a@x>",
  ]);
  const refused = fed({ starttls: "opportunistic" }, r(220, "mx"), EHLO_TLS, r(454, "no"));
  deepEqual(lines(refused.step), ["MAIL FROM:<a@x>"]);
  deepEqual([refused.s.secure, refused.s.failure], [false, undefined]);
});

Deno.test("implicit TLS (secure): no STARTTLS; --quit-after tls QUITs right after the handshake", () => {
  deepEqual(lines(fed({ starttls: "require", secure: true }, r(220, "mx"), EHLO_TLS).step), [
    "MAIL FROM:<a@x>",
  ]);
  const { step } = fed({ starttls: "require", quitAfter: "tls" }, r(220, "mx"), EHLO_TLS);
  const after = new ClientSession({
    clientName: "c",
    transactions: ONE,
    starttls: "require",
    quitAfter: "tls",
  });
  after.feed(r(220, "mx"));
  after.feed(EHLO_TLS);
  const tls = after.feed(r(220, "go"));
  deepEqual([lines(step), tls.startTls, lines(tls)], [["STARTTLS"], true, ["QUIT"]]);
});

const CREDENTIALS = { username: "tim", password: "tanstaaftanstaaf" };

Deno.test("AUTH picks CRAM-MD5 first and answers its challenge (RFC 2195 §2 example)", () => {
  const { s, step } = fed({ auth: CREDENTIALS }, r(220, "mx"), EHLO_TLS);
  deepEqual(lines(step), ["AUTH CRAM-MD5"]);
  const challenge = btoa("<1896.697170952@postoffice.reston.mci.net>");
  const answer = s.feed(r(334, challenge)).commands[0];
  equal(atob(answer.verb), "tim b913a602c7eda7a495b4e6e7334d3890");
  equal(answer.masked, "********");
  deepEqual(lines(s.feed(r(235, "2.7.0 ok"))), ["MAIL FROM:<a@x>"]);
  deepEqual([s.authMechanism, s.authReply?.code], ["CRAM-MD5", 235]);
});

Deno.test("AUTH PLAIN sends an initial response, masked in the transcript", () => {
  const { s, step } = fed(
    { auth: { ...CREDENTIALS, mechanism: "PLAIN" } },
    r(220, "mx"),
    EHLO_TLS,
  );
  const [command] = step.commands;
  equal(command.argument, `PLAIN ${btoa("\0tim\0tanstaaftanstaaf")}`);
  equal(command.masked, "AUTH PLAIN ********");
  deepEqual(lines(s.feed(r(235, "ok"))), ["MAIL FROM:<a@x>"]);
});

Deno.test("AUTH LOGIN answers Username: then Password:, the user name unmasked", () => {
  const login = { ...CREDENTIALS, mechanism: "LOGIN" as const };
  const { s, step } = fed({ auth: login }, r(220, "mx"), EHLO_TLS);
  deepEqual(lines(step), ["AUTH LOGIN"]);
  const user = s.feed(r(334, "VXNlcm5hbWU6")).commands[0];
  const password = s.feed(r(334, "UGFzc3dvcmQ6")).commands[0];
  deepEqual([atob(user.verb), user.masked], ["tim", undefined]);
  deepEqual([atob(password.verb), password.masked], ["tanstaaftanstaaf", "********"]);
});

Deno.test("AUTH XOAUTH2: a 334 error gets an empty line, then 535 fails at auth", () => {
  const oauth = { username: "me@x", password: "tok", mechanism: "XOAUTH2" as const };
  const { s, step } = fed({ auth: oauth }, r(220, "mx"), EHLO_TLS);
  equal(atob(step.commands[0].argument!.split(" ")[1]), "user=me@x\x01auth=Bearer tok\x01\x01");
  deepEqual(s.feed(r(334, btoa('{"status":"401"}'))).commands, [{ verb: "" }]);
  deepEqual(lines(s.feed(r(535, "5.7.8 bad token"))), ["QUIT"]);
  deepEqual([s.failure?.stage, s.failure?.reply?.code], ["auth", 535]);
});

Deno.test("AUTH not offered, or the forced mechanism not offered: failure at auth", () => {
  const none = fed({ auth: CREDENTIALS }, r(220, "mx"), EHLO_PLAIN);
  deepEqual([lines(none.step), none.s.failure?.stage], [["QUIT"], "auth"]);
  match(none.s.failure!.reason, /offered: none/);
  const forced = fed(
    { auth: { ...CREDENTIALS, mechanism: "XOAUTH2" } },
    r(220, "mx"),
    r(250, "mx", "AUTH PLAIN"),
  );
  match(forced.s.failure!.reason, /AUTH XOAUTH2 not offered \(offered: PLAIN\)/);
});

Deno.test("--quit-after auth QUITs after 235", () => {
  const { s } = fed({ auth: CREDENTIALS, quitAfter: "auth" }, r(220, "mx"), EHLO_TLS);
  s.feed(r(334, btoa("<1@x>")));
  deepEqual(lines(s.feed(r(235, "ok"))), ["QUIT"]);
});

const EHLO_CHUNKING = r(250, "mx.test", "CHUNKING", "PIPELINING");

Deno.test("CHUNKING: the group ends at RCPT, then BDAT chunks, LAST's reply ends it", () => {
  const { s, step } = fed({}, r(220, "mx"), EHLO_CHUNKING);
  deepEqual(lines(step), ["MAIL FROM:<a@x>", "RCPT TO:<b@y>"]);
  s.feed(OK);
  const content = s.feed(OK);
  deepEqual([content.content, content.commands], ["bdat", []]);
  deepEqual([s.idle, s.expecting], [false, undefined], "no reply is due until a chunk goes");
  deepEqual(s.chunk(10, false), { verb: "BDAT", argument: "10" });
  equal(s.expecting, "bdat");
  equal(s.feed(r(250, "2.0.0 10 octets")).content, "bdat");
  deepEqual(s.chunk(5, true), { verb: "BDAT", argument: "5 LAST" });
  equal(s.expecting, "content");
  deepEqual(lines(s.feed(r(250, "queued as Z"))), ["QUIT"]);
  ok(s.delivered);
  equal(t(s).dataReply, undefined);
  throws(() => s.chunk(1, true), ClientSessionError);
});

Deno.test("CHUNKING: a refused chunk fails the transaction; --no-chunking uses DATA", () => {
  const { s } = fed({}, r(220, "mx"), EHLO_CHUNKING, OK, OK);
  s.chunk(10, false);
  const step = s.feed(r(552, "5.3.4 too big"));
  deepEqual([lines(step), step.content], [["QUIT"], undefined]);
  deepEqual([t(s).failure?.stage, t(s).failure?.reply?.code], ["content", 552]);
  const off = fed({ chunking: false }, r(220, "mx"), EHLO_CHUNKING);
  deepEqual(lines(off.step), ["MAIL FROM:<a@x>", "RCPT TO:<b@y>", "DATA"]);
});

Deno.test("LMTP: LHLO, no HELO fallback, one reply per accepted recipient (RFC 2033 §4.2)", () => {
  const s = session({ lmtp: true }, ["b@y.test", "c@y.test", "d@y.test"]);
  deepEqual(lines(s.feed(r(220, "lmtp"))), ["LHLO client.test"]);
  s.feed(EHLO_PLAIN);
  s.feed(OK);
  s.feed(OK);
  s.feed(r(550, "5.1.1 unknown"));
  deepEqual(lines(s.feed(OK)), ["DATA"]);
  equal(s.feed(r(354, "go")).content, "data");
  deepEqual(s.feed(r(250, "2.0.0 b ok")).commands, []);
  equal(s.expecting, "content");
  deepEqual(lines(s.feed(r(452, "4.2.2 d over quota"))), ["QUIT"]);
  deepEqual(t(s).recipients.map((x) => x.deliveryReply?.code), [250, undefined, 452]);
  deepEqual([t(s).failure?.stage, t(s).failure?.reply?.code], ["content", 452]);
  match(t(s).failure!.reason, /for d@y.test/);
  const refused = session({ lmtp: true });
  refused.feed(r(220, "lmtp"));
  deepEqual(lines(refused.feed(r(500, "5.5.1 what"))), ["QUIT"]);
  equal(refused.failure?.stage, "ehlo");
});

Deno.test("keepOpen with PIPELINING: RSET alone when the next transaction is refused locally", () => {
  const s = multi({ keepOpen: true }, "a@x.test");
  s.feed(r(220, "mx"));
  s.feed(r(250, "mx.test", "PIPELINING", "SIZE 1000"));
  s.feed(OK);
  s.feed(r(550, "5.1.1 unknown"));
  deepEqual(s.feed(r(554, "no valid recipients")).commands, []);
  ok(s.idle);
  const big = { reversePath: "b@x", recipients: [{ forwardPath: "c@y" }], size: 10 ** 9 };
  deepEqual(lines(s.next(big)), ["RSET"]);
  equal(s.expecting, "rset");
  deepEqual(s.feed(OK).commands, []);
  ok(s.idle, "the refused transaction does not start again");
  equal(s.transactions[1].failure?.stage, "mail");
});
