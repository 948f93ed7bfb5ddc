/**
 * `postie send` against real servers: aiosmtpd (saved envelope and content compared byte for
 * byte), Postfix's smtp-sink, and postie serve (the delivered Maildir file after its
 * Return-Path and Received fields). Composed messages are parsed back with lib/message.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { findField, parseMessage } from "../../lib/message/mod.ts";
import {
  peerTest,
  readSavedMessages,
  startAiosmtpd,
  startDnsmasq,
  startSmtpSink,
} from "../peers.ts";
import { assertDelivered, collectDelivered, withServe } from "./delivered.ts";
import { runPostie } from "../cli/run_postie.ts";

const decoder = new TextDecoder();

function postieSend(args: string[]) {
  return runPostie(["send", "--helo", "client.test", "--timeout", "10s", ...args]);
}

/** A CRLF message with a dot-led line and a body large enough to take many reads. */
function sampleMessage(): Uint8Array {
  const lines = ["From: a@x.test", "To: b@y.test", "Subject: sample", "", ".leading dot", "."];
  for (let i = 0; i < 40_000; i++) lines.push(`line ${i} ${"x".repeat(40)}`);
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n");
}

async function withTempFile<T>(bytes: Uint8Array, fn: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".eml" });
  try {
    await Deno.writeFile(path, bytes);
    return await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

async function withAiosmtpd(fn: (port: number, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  const server = await startAiosmtpd({ saveDir: dir });
  try {
    await fn(server.port, dir);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

peerTest("--data to aiosmtpd: envelope and content byte for byte", ["aiosmtpd"], async () => {
  const message = sampleMessage();
  await withAiosmtpd(async (port, dir) => {
    const result = await withTempFile(message, (path) =>
      postieSend([
        "--server",
        `127.0.0.1:${port}`,
        "--envelope-from",
        "a@x.test",
        "--to",
        "b@y.test, c@y.test",
        "--data",
        path,
        "--json",
      ]));
    equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    deepEqual([json.finalReply.code, json.exitCode], [250, 0]);
    const [saved] = await readSavedMessages(dir);
    deepEqual([saved.mailFrom, saved.rcptTos, saved.heloName], [
      "a@x.test",
      ["b@y.test", "c@y.test"],
      "client.test",
    ]);
    deepEqual(saved.content, message);
  });
});

peerTest("a composed message to aiosmtpd parses back; Bcc only in the envelope", [
  "aiosmtpd",
], async () => {
  await withAiosmtpd(async (port, dir) => {
    const body = `Grüße\n${"long ".repeat(300)}\n.dot line\n`;
    const result = await postieSend([
      "--server",
      `127.0.0.1:${port}`,
      "--from",
      "Zoë Sender <a@x.test>",
      "--to",
      "b@y.test",
      "--cc",
      "Carol <c@y.test>",
      "--bcc",
      "hidden@z.test",
      "--subject",
      "Grüße aus Köln — a subject long enough to need more than one encoded-word",
      "--body",
      body,
    ]);
    equal(result.code, 0, result.stderr);
    const [saved] = await readSavedMessages(dir);
    deepEqual(saved.rcptTos, ["b@y.test", "c@y.test", "hidden@z.test"]);
    ok(!decoder.decode(saved.content).includes("hidden"), "Bcc never in the headers");
    const root = await parseMessage(saved.content, { keepBodies: true });
    const value = (name: string) => findField(root.headers, name)?.value;
    equal(
      value("Subject"),
      "Grüße aus Köln — a subject long enough to need more than one encoded-word",
    );
    equal(value("From"), "Zoë Sender <a@x.test>");
    equal(value("To"), "b@y.test");
    equal(value("Cc"), "Carol <c@y.test>");
    ok(value("Date") && value("Message-ID")?.endsWith("@x.test>"));
    deepEqual([root.transferEncoding, root.charset, root.warnings], [
      "quoted-printable",
      "utf-8",
      [],
    ]);
    equal(decoder.decode(root.body), body.replaceAll("\n", "\r\n"));
  });
});

peerTest("to smtp-sink: accepted, pipelined, exit 0", ["smtp-sink"], async () => {
  const sink = await startSmtpSink();
  try {
    const result = await postieSend([
      "--server",
      `127.0.0.1:${sink.port}`,
      "--from",
      "a@x.test",
      "--to",
      "b@y.test",
      "--subject",
      "hi",
      "--body",
      "hello",
      "--json",
    ]);
    equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    equal(json.capabilities.pipelining, true);
    deepEqual([json.recipients[0].reply.code, json.finalReply.code], [250, 250]);
  } finally {
    await sink.stop();
  }
});

Deno.test("to postie serve: the Maildir file holds exactly what was sent; queue id parsed", async () => {
  const message = sampleMessage();
  const [delivered, json] = await withServe([], async (serve) => {
    const result = await withTempFile(message, (path) =>
      postieSend([
        "--server",
        `127.0.0.1:${serve.port}`,
        "--envelope-from",
        "a@x.test",
        "--to",
        "b@y.test",
        "--data",
        path,
        "--json",
      ]));
    equal(result.code, 0, result.stderr);
    await serve.waitForDelivered(1);
    return [await collectDelivered(serve), JSON.parse(result.stdout)] as const;
  });
  equal(delivered.length, 1);
  assertDelivered(delivered[0], { from: "a@x.test", content: message, recipient: "b@y.test" });
  ok(typeof json.queueId === "string" && json.queueId.length > 0);
  ok(delivered[0].received[1].includes(json.queueId), "the Received id is the queue id");
});

peerTest("without --server: each domain's MX in preference order; null MX 69, NXDOMAIN 68", [
  "aiosmtpd",
  "dnsmasq",
], async () => {
  const dns = await startDnsmasq([
    "--mx-host=one.test,mx.one.test,10",
    "--host-record=mx.one.test,127.0.0.1",
    // The preferred MX of two.test refuses connections (nothing listens on 127.0.0.2).
    "--mx-host=two.test,down.two.test,5",
    "--mx-host=two.test,mx.one.test,20",
    "--host-record=down.two.test,127.0.0.2",
    "--mx-host=nullmx.test,.,0",
  ]);
  try {
    await withAiosmtpd(async (port, dir) => {
      const route = ["--port", String(port), "--resolver", `127.0.0.1:${dns.port}`];
      const base = [...route, "--from", "a@x.test", "--body", "hi", "--json"];
      const sent = await postieSend([...base, "--to", "b@one.test, c@two.test, d@one.test"]);
      equal(sent.code, 0, sent.stderr);
      const json = JSON.parse(sent.stdout);
      deepEqual(
        json.deliveries.map((d: { domain: string; recipients: { address: string }[] }) => [
          d.domain,
          d.recipients.map((r) => r.address),
        ]),
        [["one.test", ["b@one.test", "d@one.test"]], ["two.test", ["c@two.test"]]],
      );
      equal(json.deliveries[1].attempts[0].server, `down.two.test[127.0.0.2]:${port}`);
      equal(json.deliveries[1].server, `mx.one.test[127.0.0.1]:${port}`);
      const saved = await readSavedMessages(dir);
      deepEqual(saved.map((m) => m.rcptTos), [["b@one.test", "d@one.test"], ["c@two.test"]]);
      const nullMx = await postieSend([...base, "--to", "e@nullmx.test"]);
      equal(nullMx.code, 69);
      equal(
        JSON.parse(nullMx.stdout).deliveries[0].problem,
        "nullmx.test accepts no mail (null MX)",
      );
      equal((await postieSend([...base, "--to", "f@nowhere.test"])).code, 68);
    });
  } finally {
    await dns.stop();
  }
});
