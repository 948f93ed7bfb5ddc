/**
 * `postie send --count N --concurrency C` (load mode): percentile math, the message template
 * (placeholders, dot-stuffing), failures by reply code against a fake server, and end to end
 * against smtp-sink and postie serve (its Maildir holds exactly N distinct messages).
 */

import { deepEqual, equal, match, ok } from "node:assert/strict";
import fc from "fast-check";
import { concatBytes } from "../../lib/wire/bytes.ts";
import { DotStuffer } from "../../lib/wire/dot.ts";
import { LineReader, readerSource } from "../../lib/wire/mod.ts";
import { LoadStats, percentile } from "../../cli/send_load_stats.ts";
import { fillPlaceholders, MessageTemplate } from "../../cli/send_load_template.ts";
import {
  peerTest,
  POSTFIX_TEST_DOMAIN,
  startAiosmtpd,
  startPostfix,
  startSmtpSink,
} from "../peers.ts";
import { collectDelivered, withServe } from "../e2e/delivered.ts";
import { runPostie } from "./run_postie.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

Deno.test("percentile: nearest rank over sorted values", () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  equal(percentile(values, 50), 50);
  equal(percentile(values, 95), 95);
  equal(percentile(values, 99), 99);
  equal(percentile(values, 100), 100);
  equal(percentile(Float64Array.of(7), 99), 7);
  equal(percentile(Float64Array.of(1, 2, 3, 4), 50), 2);
  equal(percentile(Float64Array.of(1, 2, 3, 4), 51), 3);
  ok(Number.isNaN(percentile(new Float64Array(0), 50)));
});

Deno.test("percentile: a value of the set, rising with p, at least p% at or below (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 200 }),
      fc.double({ min: 0.1, max: 100, noNaN: true }),
      fc.double({ min: 0.1, max: 100, noNaN: true }),
      (list, p, q) => {
        const sorted = Float64Array.from(list).sort();
        const value = percentile(sorted, p);
        ok(sorted.includes(value));
        const atOrBelow = sorted.filter((v) => v <= value).length;
        ok(atOrBelow / sorted.length >= p / 100 - 1e-9);
        if (p <= q) ok(value <= percentile(sorted, q));
      },
    ),
  );
});

Deno.test("LoadStats: counts, failures by key, summary figures", () => {
  const stats = new LoadStats(5);
  for (const ms of [4, 1, 3, 2]) stats.accept(ms);
  stats.fail("550", 10);
  stats.fail("connection");
  equal(stats.done, 6);
  const summary = stats.summary(2);
  deepEqual(summary.failures, { "550": 1, connection: 1 });
  equal(summary.accepted, 4);
  equal(summary.messagesPerSecond, 2);
  deepEqual(summary.latencyMs, { p50: 3, p95: 10, p99: 10, max: 10, mean: 4 });
});

function wire(text: string): string {
  const stuffer = new DotStuffer();
  const bytes = encoder.encode(text);
  return decoder.decode(concatBytes([...stuffer.push(bytes), stuffer.end()]));
}

Deno.test("template: {n} and one {uuid} per message filled in, dot-stuffed, SIZE upper bound", () => {
  const message = "Subject: t{n}\nMessage-ID: <{uuid}@x>\n\n.{n}{n}\n{uuid}{x}\n";
  const template = new MessageTemplate(encoder.encode(message));
  equal(template.placeholders, 5);
  const text = decoder.decode(concatBytes(template.render(42)));
  const uuid = /<([0-9a-f-]{36})@x>/.exec(text)![1];
  equal(text, wire(fillPlaceholders(message, 42, uuid)));
  ok(text.includes(`\r\n..4242\r\n${uuid}{x}\r\n.\r\n`));
  ok(template.maxSize >= encoder.encode(fillPlaceholders(message, 1e15, uuid)).length);
  const plain = new MessageTemplate(encoder.encode("hi"));
  equal(decoder.decode(concatBytes(plain.render(1))), "hi\r\n.\r\n");
});

Deno.test("template: rendering equals stuffing the filled-in message (property)", () => {
  const piece = fc.constantFrom("{n}", "{uuid}", ".", "\r\n", "\n", "{", "}", "x", "{u", "n}");
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), fc.nat(1e9), (pieces, n) => {
      const message = pieces.join("");
      const text = decoder.decode(
        concatBytes(new MessageTemplate(encoder.encode(message)).render(n)),
      );
      const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(text)?.[0];
      equal(text, wire(fillPlaceholders(message, n, uuid ?? "")));
    }),
  );
});

/**
 * A fake SMTP server for many transactions on many connections: PIPELINING offered, every
 * second RCPT refused with 550 (counted across connections) unless `acceptAll`; with
 * `closeEvery`, each connection's that many-th message gets 421 and the connection closes.
 */
function fakeServer(options: { acceptAll?: boolean; closeEvery?: number } = {}) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let rcpts = 0;
  const serve = async (conn: Deno.Conn) => {
    const reader = new LineReader(readerSource(conn), { maxLineLength: 1000 });
    const say = (text: string) => conn.write(encoder.encode(`${text}\r\n`));
    await say("220 fake.test ESMTP");
    let inData = false;
    let messages = 0;
    for (let line = await reader.readLine(); line !== null; line = await reader.readLine()) {
      const text = decoder.decode(line.bytes);
      if (inData && text === "." && ++messages === options.closeEvery) {
        await say("421 4.3.2 closing");
        break;
      }
      if (inData) {
        if (text === ".") await say("250 2.0.0 queued");
        inData = text !== ".";
        continue;
      }
      const verb = text.slice(0, 4).toUpperCase();
      if (verb === "EHLO") await say("250-fake.test\r\n250 PIPELINING");
      else if (verb === "RCPT") {
        const refused = !options.acceptAll && ++rcpts % 2 === 0;
        await say(refused ? "550 5.1.1 no such user" : "250 ok");
      } else if (verb === "DATA") {
        await say("354 go ahead");
        inData = true;
      } else if (verb === "QUIT") {
        await say("221 bye");
        break;
      } else await say("250 ok");
    }
    conn.close();
  };
  const accepting = (async () => {
    for await (const conn of listener) serve(conn).catch(() => conn.close());
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close: async () => {
      listener.close();
      await accepting.catch(() => {});
    },
  };
}

const ENVELOPE = ["--from", "a@x.test", "--to", "b@y.test", "--helo", "client.test"];

function load(port: number, args: string[]) {
  return runPostie(["send", "--server", `127.0.0.1:${port}`, ...ENVELOPE, ...args]);
}

Deno.test({
  name: "failures are counted by reply code; exit 69 on a 5xx; a dead server is 75",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = fakeServer();
    try {
      const run = await load(server.port, ["--count", "10", "--concurrency", "2", "--json"]);
      equal(run.code, 69, run.stderr);
      const summary = JSON.parse(run.stdout);
      equal(summary.accepted, 5);
      deepEqual(summary.failures, { "550": 5 });
      equal(summary.exitCode, 69);
    } finally {
      await server.close();
    }
    const dead = await load(1, ["--count", "3", "--concurrency", "2", "--json"]);
    equal(dead.code, 75);
    deepEqual(JSON.parse(dead.stdout).failures, { connection: 3 });
  },
});

Deno.test({
  name: "a server closing with 421 mid-run: every message counted once, sessions start over",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = fakeServer({ acceptAll: true, closeEvery: 7 });
    try {
      const run = await load(server.port, ["--count", "50", "--concurrency", "3", "--json"]);
      equal(run.code, 75, run.stderr);
      const summary = JSON.parse(run.stdout);
      equal(summary.accepted + summary.failed, 50);
      ok(summary.failures["421"] >= 1, run.stdout);
      ok(summary.accepted >= 30, run.stdout);
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "a server that never greets: each connection gives up after --timeout",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of listener) held.push(conn);
    })();
    try {
      const port = (listener.addr as Deno.NetAddr).port;
      const args = ["--count", "2", "--concurrency", "2", "--timeout", "300ms", "--json"];
      const run = await load(port, args);
      equal(run.code, 75, run.stderr);
      deepEqual(JSON.parse(run.stdout).failures, { connection: 2 });
    } finally {
      listener.close();
      await accepting.catch(() => {});
      for (const conn of held) conn.close();
    }
  },
});

Deno.test("usage: --concurrency needs --count, --count needs --server, not with -v", async () => {
  const noCount = await runPostie(["send", "--server", ":1", ...ENVELOPE, "--concurrency", "2"]);
  equal(noCount.code, 64);
  const noServer = await runPostie(["send", ...ENVELOPE, "--body", "x", "--count", "2"]);
  equal(noServer.code, 64);
  match(noServer.stderr, /--count needs --server/);
  equal((await load(1, ["--count", "2", "-v"])).code, 64);
  equal((await load(1, ["--count", "2", "--starttls"])).code, 64);
  equal((await load(1, ["--count", "2", "--dkim-key", "k.pem", "--dkim-selector", "s"])).code, 64);
  equal((await load(1, ["--count", "0"])).code, 64);
});

peerTest("e2e: 2,000 messages over 8 reused connections into smtp-sink", [
  "smtp-sink",
], async () => {
  const sink = await startSmtpSink();
  try {
    const run = await load(sink.port, [
      ...["--subject", "load {n}", "--body", "id {uuid}", "--count", "2000"],
      ...["--concurrency", "8", "--json"],
    ]);
    equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    equal(summary.accepted, 2000);
    equal(summary.failed, 0);
    ok(summary.messagesPerSecond > 0);
    const { p50, p95, p99, max } = summary.latencyMs;
    ok(p50 <= p95 && p95 <= p99 && p99 <= max);
    const text = await load(sink.port, ["--body", "x", "--count", "5", "--concurrency", "9"]);
    equal(text.code, 0, text.stderr);
    match(
      text.stdout,
      /: 5 of 5 messages accepted over 5 connections in [\d.]+ s: \d+ messages\/s/,
    );
    match(text.stdout, /latency ms: p50 [\d.]+ {2}p95 [\d.]+ {2}p99 [\d.]+ {2}max [\d.]+/);
  } finally {
    await sink.stop();
  }
});

peerTest("e2e: a private Postfix takes the next MAIL pipelined behind each content; aiosmtpd", [
  "postfix",
  "aiosmtpd",
], async () => {
  const mta = await startPostfix();
  try {
    const run = await runPostie([
      ...["send", "--server", `127.0.0.1:${mta.port}`, "--from", "a@client.test"],
      ...["--to", `b@${POSTFIX_TEST_DOMAIN}`, "--body", "n {n}", "--count", "120"],
      ...["--concurrency", "3", "--json"],
    ]);
    equal(run.code, 0, run.stderr);
    equal(JSON.parse(run.stdout).accepted, 120);
  } finally {
    await mta.stop();
  }
  const aiosmtpd = await startAiosmtpd();
  try {
    const run = await load(aiosmtpd.port, ["--body", "x", "--count", "40", "--concurrency", "2"]);
    equal(run.code, 0, run.stderr);
    match(run.stdout, /: 40 of 40 messages accepted/);
  } finally {
    await aiosmtpd.stop();
  }
});

peerTest("e2e: postie serve's Maildir holds exactly N distinct messages", [], async () => {
  const count = 60;
  const messages = await withServe([], async (serve) => {
    const run = await load(serve.port, [
      ...["--subject", "load {n}", "--body", "message {n} of many\n.dot line {uuid}"],
      ...["--count", String(count), "--concurrency", "4"],
    ]);
    equal(run.code, 0, run.stderr);
    await serve.waitForDelivered(count);
    return await collectDelivered(serve);
  });
  equal(messages.length, count);
  const texts = messages.map((m) => decoder.decode(m.content));
  const subjects = texts.map((t) => Number(/\r\nSubject: load (\d+)\r\n/.exec(t)![1]));
  deepEqual(subjects.sort((a, b) => a - b), Array.from({ length: count }, (_, i) => i + 1));
  const ids = new Set(texts.map((t) => /\r\nMessage-ID: <([^>]+)>/i.exec(t)![1]));
  equal(ids.size, count);
  for (const t of texts) {
    const n = /\r\nSubject: load (\d+)\r\n/.exec(t)![1];
    ok(t.includes(`message ${n} of many\r\n.dot line `), "body filled in and unstuffed");
  }
});

peerTest("e2e: --data template from stdin with {n}, sent as written otherwise", [], async () => {
  const message = "From: a@x.test\r\nSubject: data {n}\r\n\r\nbody {n}\r\n";
  const messages = await withServe([], async (serve) => {
    const run = await runPostie(
      ["send", "--server", `127.0.0.1:${serve.port}`, "--envelope-from", "a@x.test"]
        .concat(["--to", "b@y.test", "--data", "-", "--count", "3", "--concurrency", "3"]),
      { stdin: message },
    );
    equal(run.code, 0, run.stderr);
    await serve.waitForDelivered(3);
    return await collectDelivered(serve);
  });
  const contents = messages.map((m) => decoder.decode(m.content)).sort();
  deepEqual(contents, [1, 2, 3].map((n) => message.replaceAll("{n}", String(n))));
});
