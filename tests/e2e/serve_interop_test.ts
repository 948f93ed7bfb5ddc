/**
 * Real SMTP clients (swaks, Python's smtplib, curl, msmtp) send to `postie serve`, and each
 * delivered Maildir file must be `Return-Path:`, the Received field, and then byte for byte the
 * message the client sent, dot-unstuffed. What a client sent is taken from the client itself:
 * swaks's hex dump of its writes, smtplib's `data()` argument, or the fixture file that curl
 * and msmtp upload unchanged.
 */

import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { peerPath, peerTest } from "../peers.ts";
import {
  assertDelivered,
  collectDelivered,
  type DeliveredMessage,
  latin1,
  withServe,
} from "./delivered.ts";
import type { ServeProcess } from "./serve_process.ts";

const FIXTURES = new URL("../fixtures/messages/", import.meta.url).pathname;
const PLAIN = join(FIXTURES, "plain.eml");
const EIGHT_BIT = join(FIXTURES, "eight_bit.eml");

interface Finished {
  stdout: string;
  stderr: string;
}

/** Runs a client to its end (killed after 15 s); it must exit 0. */
async function runClient(peer: string, args: string[], stdin?: Uint8Array): Promise<Finished> {
  const child = new Deno.Command(peerPath(peer) ?? peer, {
    args,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  const result = { stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
  equal(code, 0, `${peer} exited ${code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Starts serve, runs `fn`, stops serve and returns what it delivered. */
async function deliveredBy(
  fn: (serve: ServeProcess) => Promise<void>,
): Promise<DeliveredMessage[]> {
  return await withServe([], async (serve) => {
    await fn(serve);
    return await collectDelivered(serve);
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const CRLF = new TextEncoder().encode("\r\n");

/**
 * The DATA body swaks wrote, from its `--show-raw-text` hex dump: the `  > ` lines after the
 * 354 reply, up to the server's next reply; then the end line dropped and dots unstuffed.
 */
function swaksSent(transcript: string): Uint8Array {
  const bytes: number[] = [];
  let inData = false;
  for (const line of transcript.split("\n")) {
    if (line.startsWith("<-  354")) inData = true;
    else if (inData && line.startsWith("<") && bytes.length > 0) break;
    const dump = /^ {2}> \d+: (.*)$/.exec(line);
    // A dump line holds up to 16 octets in its first 50 columns, then their text.
    if (inData && dump) {
      for (const hex of dump[1].slice(0, 50).match(/[0-9A-F]{2}/g) ?? []) {
        bytes.push(parseInt(hex, 16));
      }
    }
  }
  const wire = latin1(Uint8Array.from(bytes));
  ok(wire.endsWith("\r\n.\r\n"), `swaks data does not end with <CRLF>.<CRLF>: ${wire.slice(-20)}`);
  // RFC 5321 §4.5.2: the receiver removes the first "." of every line.
  const body = wire.slice(0, -3).replace(/(^|\r\n)\./g, "$1");
  return Uint8Array.from(body, (c) => c.charCodeAt(0));
}

function swaksArgs(serve: ServeProcess, ...more: string[]): string[] {
  return [
    "--server",
    `127.0.0.1:${serve.port}`,
    "--from",
    "a@x.test",
    "--to",
    "b@y.test",
    "--show-raw-text",
    ...more,
  ];
}

peerTest("swaks --data @file: delivered byte for byte as sent", ["swaks"], async () => {
  let sent: Uint8Array = new Uint8Array();
  const [message, ...more] = await deliveredBy(async (serve) => {
    sent = swaksSent((await runClient("swaks", swaksArgs(serve, "--data", `@${PLAIN}`))).stdout);
  });
  equal(more.length, 0);
  assertDelivered(message, { from: "a@x.test", content: sent, recipient: "b@y.test" });
  // swaks sends the file and then one CRLF of its own before the end line.
  equal(latin1(sent), latin1(concat(await Deno.readFile(PLAIN), CRLF)));
});

peerTest(
  "swaks --pipeline: commands in one write, 8-bit message byte for byte",
  ["swaks"],
  async () => {
    let sent: Uint8Array = new Uint8Array();
    let transcript = "";
    const [message, ...more] = await deliveredBy(async (serve) => {
      const args = swaksArgs(serve, "--pipeline", "--data", `@${EIGHT_BIT}`);
      transcript = (await runClient("swaks", args)).stdout;
      sent = swaksSent(transcript);
    });
    equal(more.length, 0);
    assertDelivered(message, { from: "a@x.test", content: sent, recipient: "b@y.test" });
    equal(latin1(sent), latin1(concat(await Deno.readFile(EIGHT_BIT), CRLF)));
    // RFC 2920: MAIL, RCPT and DATA went out before the first of their replies came back.
    const parsed = transcript.split("\n").filter((line) => /^( ->|<-) /.test(line));
    const mail = parsed.findIndex((line) => line.startsWith(" -> MAIL FROM:"));
    equal(parsed.slice(mail, mail + 3).map((line) => line.slice(4, 8)).join(" "), "MAIL RCPT DATA");
  },
);

/** Octets that stress encoders: every byte value, CR, LF, dot lines and NULs. */
function attachmentBytes(): Uint8Array {
  const bytes = new Uint8Array(30_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
  const tricky = new TextEncoder().encode("\r\n.\r\n\n.\n\r.\r\0\0..");
  for (let at = 0; at < bytes.length - tricky.length; at += 997) bytes.set(tricky, at);
  return bytes;
}

/** The decoded body of the MIME part whose headers name `filename`. */
function attachedPart(content: Uint8Array, filename: string): Uint8Array {
  const text = latin1(content);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(text)?.[1];
  ok(boundary, "no MIME boundary in the delivered message");
  const part = text.split(`--${boundary}`).find((p) => p.includes(`"${filename}"`));
  ok(part, `no part named ${filename}`);
  const [headers, body] = [
    part.slice(0, part.indexOf("\r\n\r\n")),
    part.slice(part.indexOf("\r\n\r\n") + 4),
  ];
  ok(/Content-Transfer-Encoding: BASE64/i.test(headers), headers);
  return Uint8Array.from(atob(body.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
}

peerTest("swaks --attach: the message byte for byte, the attachment decodes to its bytes", [
  "swaks",
], async () => {
  const dir = await Deno.makeTempDir({ prefix: "postie-attach-" });
  try {
    const file = join(dir, "blob.bin");
    const original = attachmentBytes();
    await Deno.writeFile(file, original);
    let sent: Uint8Array = new Uint8Array();
    const [message, ...more] = await deliveredBy(async (serve) => {
      const args = swaksArgs(serve, "--body", "see the attachment", "--attach", `@${file}`);
      sent = swaksSent((await runClient("swaks", args)).stdout);
    });
    equal(more.length, 0);
    assertDelivered(message, { from: "a@x.test", content: sent, recipient: "b@y.test" });
    equal(latin1(attachedPart(message.content, "blob.bin")), latin1(original));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Sends with smtplib's `send_message` and writes what `SMTP.data()` was given (the flattened
 * message, before smtplib dot-stuffs it) to `argv[2]`. `argv[3]` is a message file, or
 * "smtputf8" for a message built with non-ASCII addresses.
 */
const PYTHON_SENDER = `
import email, email.message, email.policy, smtplib, sys
port, out, source = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sent = []
data = smtplib.SMTP.data
def recording(self, msg):
    sent.append(msg)
    return data(self, msg)
smtplib.SMTP.data = recording
options = []
if source == "smtputf8":
    msg = email.message.EmailMessage(policy=email.policy.SMTPUTF8)
    msg["From"] = "Jörg <jörg@bücher.test>"
    msg["To"] = "用户@例子.test"
    msg["Subject"] = "Grüße"
    msg.set_content("Hallo!\\n.a leading dot\\n.\\nÜnïcödé\\n")
    options = ["SMTPUTF8"]
else:
    with open(source, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.SMTP)
with smtplib.SMTP("127.0.0.1", port) as smtp:
    smtp.send_message(msg, mail_options=options)
with open(out, "wb") as f:
    f.write(sent[0])
`;

/** Runs {@link PYTHON_SENDER}; returns the content the server should store. */
async function pythonSends(serve: ServeProcess, source: string): Promise<Uint8Array> {
  const out = await Deno.makeTempFile({ prefix: "postie-smtplib-" });
  try {
    await runClient("python3", ["-c", PYTHON_SENDER, String(serve.port), out, source]);
    const sent = await Deno.readFile(out);
    // smtplib's data() ends a message that lacks a final CRLF with one.
    const endsWithCrlf = sent.at(-2) === 13 && sent.at(-1) === 10;
    return endsWithCrlf ? sent : concat(sent, CRLF);
  } finally {
    await Deno.remove(out);
  }
}

peerTest("Python smtplib send_message: delivered byte for byte", ["python3"], async () => {
  let sent: Uint8Array = new Uint8Array();
  const [message, ...more] = await deliveredBy(async (serve) => {
    sent = await pythonSends(serve, PLAIN);
  });
  equal(more.length, 0);
  assertDelivered(message, { from: "a@x.test", content: sent, recipient: "b@y.test" });
  ok(latin1(sent).includes("\r\n..a line that starts with two dots\r\n"), "smtplib sent plain.eml");
});

peerTest(
  'Python smtplib with SMTPUTF8 addresses (mail_options=["SMTPUTF8"])',
  ["python3"],
  async () => {
    let sent: Uint8Array = new Uint8Array();
    const [message, ...more] = await deliveredBy(async (serve) => {
      sent = await pythonSends(serve, "smtputf8");
    });
    equal(more.length, 0);
    // RFC 6531 §3.7.3: the Received field says UTF8SMTP; the addresses stay as the client wrote them.
    assertDelivered(message, {
      from: "jörg@bücher.test",
      content: sent,
      recipient: "用户@例子.test",
      protocol: "UTF8SMTP",
    });
    ok(new TextDecoder().decode(sent).includes("From: Jörg <jörg@bücher.test>\r\n"));
  },
);

peerTest("curl --upload-file: delivered byte for byte", ["curl"], async () => {
  const [message, ...more] = await deliveredBy(async (serve) => {
    await runClient("curl", [
      "--silent",
      "--show-error",
      `smtp://127.0.0.1:${serve.port}`,
      "--mail-from",
      "a@x.test",
      "--mail-rcpt",
      "b@y.test",
      "--upload-file",
      PLAIN,
    ]);
  });
  equal(more.length, 0);
  assertDelivered(message, {
    from: "a@x.test",
    content: await Deno.readFile(PLAIN),
    recipient: "b@y.test",
  });
});

peerTest("msmtp: delivered byte for byte", ["msmtp"], async () => {
  const [message, ...more] = await deliveredBy(async (serve) => {
    await runClient("msmtp", [
      "--host=127.0.0.1",
      `--port=${serve.port}`,
      "--from=a@x.test",
      "--",
      "b@y.test",
    ], await Deno.readFile(EIGHT_BIT));
  });
  equal(more.length, 0);
  assertDelivered(message, {
    from: "a@x.test",
    content: await Deno.readFile(EIGHT_BIT),
    recipient: "b@y.test",
  });
});
