/**
 * `postie sendmail`: the end of input (lone "." line, -i), the message handed on (From line,
 * Bcc, added fields, -t recipients), and end to end through aiosmtpd (envelope and bytes
 * compared) and postie serve (the Maildir file).
 */

import { deepEqual, equal, match, ok } from "node:assert/strict";
import fc from "fast-check";
import { concatBytes } from "../../lib/wire/bytes.ts";
import { LoneDotLine, readSendmailInput } from "../../cli/sendmail_input.ts";
import { prepareSendmailMessage } from "../../cli/sendmail_message.ts";
import { SendInputError } from "../../cli/send_run.ts";
import { peerTest, readSavedMessages, startAiosmtpd } from "../peers.ts";
import { assertDelivered, collectDelivered, withServe } from "../e2e/delivered.ts";
import { runPostie } from "./run_postie.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);
const text = (pieces: Uint8Array[]) => decoder.decode(concatBytes(pieces));

function readAll(input: string, dotEnds: boolean, splits: number[] = []): Promise<string> {
  const data = bytes(input);
  const cuts = [0, ...splits.filter((s) => s > 0 && s < data.length).sort((a, b) => a - b)];
  const chunks = cuts.map((cut, i) => data.subarray(cut, cuts[i + 1] ?? data.length));
  return readSendmailInput(ReadableStream.from(chunks), dotEnds).then((m) => decoder.decode(m));
}

Deno.test("input: a lone '.' line ends it (LF, CRLF, at the end); -i reads to the end", async () => {
  equal(await readAll("a\n.\nb\n", true), "a\n");
  equal(await readAll("a\r\n.\r\nb\r\n", true), "a\r\n");
  equal(await readAll(".\nb\n", true), "");
  equal(await readAll("a\n.", true), "a\n");
  equal(await readAll("a\n..\n.x\n. \nb\n", true), "a\n..\n.x\n. \nb\n");
  equal(await readAll("a\n.\nb\n", false), "a\n.\nb\n");
  equal(await readAll("", true), "");
});

Deno.test("input: the same end whatever the chunk boundaries (property)", async () => {
  const line = fc.constantFrom("text", ".", "..", ".x", "", "\r", ".\r");
  await fc.assert(
    fc.asyncProperty(
      fc.array(line, { maxLength: 8 }),
      fc.constantFrom("\n", "\r\n"),
      fc.array(fc.nat(60), { maxLength: 5 }),
      async (lines, eol, splits) => {
        const input = lines.map((l) => l + eol).join("");
        equal(await readAll(input, true, splits), await readAll(input, true));
      },
    ),
  );
});

Deno.test("LoneDotLine gives the offset of the '.' line in the whole input", () => {
  const lone = new LoneDotLine();
  equal(lone.push(bytes("ab\n")), -1);
  equal(lone.push(bytes(".")), -1);
  equal(lone.push(bytes("\r\n")), 3);
});

const OPTIONS = { sender: "a@x.test", extractRecipients: false, domain: "x.test" };
const DATE = new Date("2026-01-02T03:04:05Z");

Deno.test("message: From line dropped, Bcc removed, existing fields and body kept as bytes", () => {
  const input = "From a@x.test Mon Jan  1 00:00:00 2026\nFrom: A <a@x.test>\nTo: b@y.test\n" +
    "Bcc: hidden@z.test,\n other@z.test\nDate: x\nMessage-ID: <1@x>\n\nbody\n.line\n";
  const message = prepareSendmailMessage(bytes(input), OPTIONS);
  equal(
    text(message.content),
    "From: A <a@x.test>\r\nTo: b@y.test\r\nDate: x\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n.line\r\n",
  );
  equal(message.size, text(message.content).length);
  deepEqual(message.headerRecipients, []);
});

Deno.test("message: missing From (with -F), Date and Message-ID are added", () => {
  const message = prepareSendmailMessage(bytes("Subject: hi\n\nbody\n"), {
    ...OPTIONS,
    fullName: "Cron Daemon",
    date: DATE,
  });
  const out = text(message.content);
  match(out, /^Subject: hi\r\nFrom: Cron Daemon <a@x\.test>\r\nDate: [A-Z][a-z]{2}, 0?2 Jan 2026 /);
  match(out, /\r\nMessage-ID: <[0-9a-f-]{36}@x\.test>\r\n\r\nbody\r\n$/);
  const utf8 = text(prepareSendmailMessage(bytes("\n"), { ...OPTIONS, fullName: "Grüße" }).content);
  match(utf8, /^From: =\?utf-8\?B\?R3LDvMOfZQ==\?= <a@x\.test>\r\n/);
});

Deno.test("message: bare LF and bare CR become CRLF; CRLF stays; the body is not copied", () => {
  const input = bytes("Subject: x\r\n\na\nb\r\nc\rd");
  const message = prepareSendmailMessage(input, { ...OPTIONS, date: DATE });
  match(text(message.content), /\r\n\r\na\r\nb\r\nc\r\nd$/);
  ok(message.content.some((piece) => piece.buffer === input.buffer && piece.length > 1));
});

Deno.test("message: a body with no header, and a header with no body or final line break", () => {
  match(text(prepareSendmailMessage(bytes("hello\n"), OPTIONS).content), /\r\n\r\nhello\r\n$/);
  const headerOnly = text(prepareSendmailMessage(bytes("Subject: x"), OPTIONS).content);
  match(headerOnly, /^Subject: x\r\nFrom: a@x\.test\r\n/);
  ok(headerOnly.endsWith(">\r\n\r\n"));
});

Deno.test("message: -t reads To, Cc and Bcc (groups give members); a bad list is 65", () => {
  const input = "To: B <b@y.test>, team: c@y.test, d@y.test;\nCc: e@y.test\nBcc: f@z.test\n\nx\n";
  const message = prepareSendmailMessage(bytes(input), { ...OPTIONS, extractRecipients: true });
  deepEqual(message.headerRecipients.map((m) => m.address), [
    "b@y.test",
    "c@y.test",
    "d@y.test",
    "e@y.test",
    "f@z.test",
  ]);
  try {
    prepareSendmailMessage(bytes("To: <<nope\n\n"), { ...OPTIONS, extractRecipients: true });
    ok(false, "no error");
  } catch (error) {
    ok(error instanceof SendInputError);
    equal(error.exitCode, 65);
  }
});

function sendmail(args: string[], stdin: string) {
  return runPostie(["sendmail", "--helo", "client.test", "--timeout", "10s", ...args], {
    stdin,
    env: { USER: "tester" },
  });
}

Deno.test("usage: no recipients is 64; -bs is refused; a dead server is 75", async () => {
  const none = await sendmail(["--server", ":1"], "Subject: x\n\nhi\n");
  equal(none.code, 64);
  match(none.stderr, /no recipients/);
  equal((await sendmail(["-bs", "b@y.test"], "")).code, 64);
  const dead = await sendmail(["--server", ":1", "b@y.test"], "Subject: x\n\nhi\n");
  equal(dead.code, 75);
  match(dead.stderr, /^postie sendmail: cannot connect/);
});

peerTest("e2e: PHP's -t -i into aiosmtpd: envelope from the header, Bcc gone", [
  "aiosmtpd",
], async () => {
  const dir = await Deno.makeTempDir();
  const server = await startAiosmtpd({ saveDir: dir });
  try {
    const message = "To: b@y.test\nCc: C <c@y.test>\nBcc: d@z.test\nSubject: php\n" +
      "From: app@x.test\nDate: Fri, 2 Jan 2026 03:04:05 +0000\nMessage-ID: <m1@x.test>\n\n" +
      "line one\n.\n..two\n";
    const run = await sendmail(
      ["-t", "-i", "-f", "bounce@x.test", "--server", `127.0.0.1:${server.port}`],
      message,
    );
    equal(run.code, 0, run.stderr);
    equal(run.stdout, "");
    const [saved] = await readSavedMessages(dir);
    equal(saved.mailFrom, "bounce@x.test");
    deepEqual(saved.rcptTos, ["b@y.test", "c@y.test", "d@z.test"]);
    equal(
      decoder.decode(saved.content),
      message.replace("Bcc: d@z.test\n", "").replaceAll("\n", "\r\n"),
    );
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

peerTest("e2e: cron's flags into postie serve: lone '.' ends input, fields added", [], async () => {
  const messages = await withServe([], async (serve) => {
    const run = await sendmail(
      [
        "-FCronDaemon",
        "-B8BITMIME",
        "-oem",
        "-odi",
        "-bm",
        "--server",
        `127.0.0.1:${serve.port}`,
        "root@y.test",
      ],
      "From root Fri Jan  2 03:04:05 2026\nSubject: Cron <root@host> job\n\noutput\n.\nnot sent\n",
    );
    equal(run.code, 0, run.stderr);
    await serve.waitForDelivered(1);
    return await collectDelivered(serve);
  });
  equal(messages.length, 1);
  const content = decoder.decode(messages[0].content);
  match(content, /^Subject: Cron <root@host> job\r\nFrom: CronDaemon <tester@[^>]+>\r\nDate: /);
  match(content, /\r\nMessage-ID: <[^>]+>\r\n\r\noutput\r\n$/);
  assertDelivered(messages[0], {
    from: /<(tester@[^>]+)>/.exec(content)![1],
    content: messages[0].content,
    recipient: "root@y.test",
  });
});

Deno.test("completions name sendmail and complete its short-only -b", async () => {
  const bash = await runPostie(["completions", "bash"]);
  equal(bash.code, 0);
  match(bash.stdout, /\n {4}sendmail\)\n/);
  match(bash.stdout, /\n {8}-b\) COMPREPLY=\( \$\(compgen -W 'm'/);
});
