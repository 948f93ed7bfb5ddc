/**
 * SMTP smuggling (CVE-2023-51764, CVE-2023-51765, CVE-2023-51766) against `postie serve`: a
 * fake end of data hides a second transaction inside the first message. Only `<CRLF>.<CRLF>`
 * ends DATA (RFC 5321 §4.1.1.4), so every variant yields one message whose content holds the
 * fake commands (`--bare-lf normalize`) or a 550 5.6.11 (`--bare-lf reject`), never two.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import {
  assertDelivered,
  collectDelivered,
  type DeliveredMessage,
  type ExpectedDelivery,
  latin1,
  withServe,
} from "./delivered.ts";
import { RawClient, type RawReply } from "./raw_client.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

/** Fake ends of data from the 2023 research, each of which some server took for the real one. */
const VARIANTS: [string, string][] = [
  ["<LF>.<LF>", "\n.\n"],
  ["<LF>.<CR><LF>", "\n.\r\n"],
  ["<CR><LF>.<LF>", "\r\n.\n"],
  ["<CR>.<CR><LF>", "\r.\r\n"],
  ["<CR><LF>.<CR>", "\r\n.\r"],
  ["<CR>.<CR>", "\r.\r"],
  ["<LF>.<CR>", "\n.\r"],
  ["<CR><LF><NUL>.<CR><LF>", "\r\n\x00.\r\n"],
  ["<CR><LF>.<NUL><CR><LF>", "\r\n.\x00\r\n"],
  ["<LF>..<LF>", "\n..\n"],
  ["<CR><CR><LF>.<CR><CR><LF>", "\r\r\n.\r\r\n"],
  ["<CR><LF>.<CR><CR><LF>", "\r\n.\r\r\n"],
];

const SMUGGLED = "MAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@y.test>\r\nDATA\r\n" +
  "From: evil@x.test\r\nTo: victim@y.test\r\nSubject: smuggled\r\n\r\nsmuggled\r\n";
const OPEN = "EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n";

/** One smuggling attempt: what goes on the wire after 354, and what a server should store. */
interface Attempt {
  /** The DATA body up to and including the real end, `<CRLF>.<CRLF>`. */
  wire: string;
  /** The content as stored with bare newlines normalised to CRLF and dot-unstuffed. */
  stored: string;
  /** True if the body holds a bare CR or LF, which `--bare-lf reject` refuses. */
  bare: boolean;
}

function attempt(tag: string, fakeEnd: string): Attempt {
  const content =
    `From: a@x.test\r\nTo: b@y.test\r\nSubject: ${tag}\r\n\r\nhello${fakeEnd}${SMUGGLED}`;
  // RFC 5321 §2.3.8 as Postfix's `normalize`: every bare CR and bare LF ends a line; then
  // §4.5.2: the first "." of each line goes.
  const lines = content.split(/\r\n|\r|\n/).map((line) => line.replace(/^\./, ""));
  return {
    wire: `${content}.\r\n`,
    stored: lines.join("\r\n"),
    bare: /\r(?!\n)|(?<!\r)\n/.test(content),
  };
}

/** A real second transaction in the same packet, after the real end of data. */
function secondTransaction(tag: string): { wire: string; stored: string } {
  const stored = `From: second@x.test\r\nSubject: second after ${tag}\r\n\r\nreal second\r\n`;
  return {
    wire: `MAIL FROM:<second@x.test>\r\nRCPT TO:<c@y.test>\r\nDATA\r\n${stored}.\r\n`,
    stored,
  };
}

/** Opens a transaction up to 354, lets `send` write the rest, returns the next `count` replies. */
async function session(
  port: number,
  count: number,
  send: (client: RawClient) => Promise<void>,
): Promise<RawReply[]> {
  const client = await RawClient.connect(port);
  try {
    await client.readReplies(1);
    await client.write(OPEN);
    deepEqual((await client.readReplies(4)).map((r) => r.code), [250, 250, 250, 354]);
    await send(client);
    const replies = await client.readReplies(count);
    await client.closed();
    return replies;
  } finally {
    await client.close();
  }
}

function summary(replies: RawReply[]): string[] {
  return replies.map((r) => `${r.code} ${r.lines[0].replace(/queued as \w+/, "queued as ID")}`);
}

const QUEUED = "250 2.0.0 Ok: queued as ID";
const CLOSING = "221 2.0.0 postie.test closing connection";
const REFUSED = "550 5.6.11 Error: bare <CR> or <LF> in message content; use <CR><LF>";
const SECOND = [
  "250 2.1.0 Sender ok",
  "250 2.1.5 Recipient ok",
  "354 End data with <CR><LF>.<CR><LF>",
];

/** Checks that the server delivered exactly `expected`, in any order, nothing from evil@x.test. */
function assertExactly(delivered: DeliveredMessage[], expected: ExpectedDelivery[]): void {
  ok(delivered.every((m) => m.returnPath !== "evil@x.test"), "a smuggled message was delivered");
  const byContent = new Map(
    expected.map((e) => [latin1(new TextEncoder().encode(e.content as string)), e]),
  );
  equal(byContent.size, expected.length, "expected contents are distinct");
  equal(delivered.length, expected.length, "number of delivered messages");
  for (const message of delivered) {
    const match = byContent.get(latin1(message.content));
    ok(match, `unexpected message ${message.name}:\n${latin1(message.content)}`);
    byContent.delete(latin1(message.content));
    assertDelivered(message, match);
  }
}

Deno.test(
  "smuggling, --bare-lf normalize: each fake end stays content of ONE message",
  options,
  async (t) => {
    await withServe([], async (serve) => {
      const expected: ExpectedDelivery[] = [];
      for (const [name, fakeEnd] of VARIANTS) {
        await t.step(`${name}, then a real transaction, in one packet`, async () => {
          const first = attempt(`normalize ${name}`, fakeEnd);
          const second = secondTransaction(name);
          const replies = await session(
            serve.port,
            6,
            (client) => client.write(first.wire + second.wire + "QUIT\r\n"),
          );
          deepEqual(summary(replies), [QUEUED, ...SECOND, QUEUED, CLOSING]);
          expected.push({ from: "a@x.test", content: first.stored, recipient: "b@y.test" });
          expected.push({ from: "second@x.test", content: second.stored, recipient: "c@y.test" });
        });
        await t.step(`${name}, one byte per write around the fake end`, async () => {
          const first = attempt(`normalize bytewise ${name}`, fakeEnd);
          // Every byte from "hello" to "MAIL" in its own segment: each split the decoder can see.
          const from = first.wire.indexOf("hello");
          const to = from + "hello".length + fakeEnd.length + "MAIL".length;
          const replies = await session(serve.port, 2, async (client) => {
            await client.write(first.wire.slice(0, from));
            await client.writeBytewise(first.wire.slice(from, to), 1);
            await client.write(first.wire.slice(to) + "QUIT\r\n");
          });
          deepEqual(summary(replies), [QUEUED, CLOSING]);
          expected.push({ from: "a@x.test", content: first.stored, recipient: "b@y.test" });
        });
      }
      assertExactly(await collectDelivered(serve), expected);
    });
  },
);

Deno.test(
  "smuggling, --bare-lf reject: a fake end with bare newlines gets 550 5.6.11",
  options,
  async (t) => {
    await withServe(["--bare-lf", "reject"], async (serve) => {
      const expected: ExpectedDelivery[] = [];
      for (const [name, fakeEnd] of VARIANTS) {
        await t.step(`${name}, then a real transaction, in one packet`, async () => {
          const first = attempt(`reject ${name}`, fakeEnd);
          const second = secondTransaction(name);
          const replies = await session(
            serve.port,
            6,
            (client) => client.write(first.wire + second.wire + "QUIT\r\n"),
          );
          // Fake ends without a bare CR or LF (the NUL ones) are plain content: stored as sent.
          deepEqual(summary(replies), [first.bare ? REFUSED : QUEUED, ...SECOND, QUEUED, CLOSING]);
          if (!first.bare) {
            expected.push({ from: "a@x.test", content: first.stored, recipient: "b@y.test" });
          }
          expected.push({ from: "second@x.test", content: second.stored, recipient: "c@y.test" });
        });
      }
      assertExactly(await collectDelivered(serve), expected);
    });
  },
);

Deno.test(
  "smuggling: a BDAT chunk holding <CRLF>.<CRLF> and commands is one message",
  options,
  async () => {
    await withServe([], async (serve) => {
      const content = `Subject: bdat\r\n\r\nhello\r\n.\r\n${SMUGGLED}`;
      const client = await RawClient.connect(serve.port);
      try {
        await client.readReplies(1);
        const size = new TextEncoder().encode(content).length;
        await client.write(
          `EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nBDAT ${size} LAST\r\n${content}QUIT\r\n`,
        );
        const replies = await client.readReplies(5);
        deepEqual(summary(replies).slice(1), [
          "250 2.1.0 Sender ok",
          "250 2.1.5 Recipient ok",
          QUEUED,
          CLOSING,
        ]);
        await client.closed();
      } finally {
        await client.close();
      }
      // RFC 3030 §2: a chunk is exactly its octets; nothing in it is a command or an end marker.
      assertExactly(await collectDelivered(serve), [{
        from: "a@x.test",
        content,
        recipient: "b@y.test",
      }]);
    });
  },
);
