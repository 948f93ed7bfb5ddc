import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import fc from "fast-check";
import type { Mailbox } from "../../lib/address/mod.ts";
import {
  type ComposedMessage,
  composeMessage,
  type MessageDraft,
  MessageDraftError,
  type MessagePart,
  MessageSourceError,
  parseMessage,
  walkParts,
} from "../../lib/message/mod.ts";
import { concatBytes } from "../../lib/wire/bytes.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();
const FROM: Mailbox = { name: "Zoë", address: "a@x.test", localPart: "a", domain: "x.test" };
const TO: Mailbox = { address: "b@y.test", localPart: "b", domain: "y.test" };

async function octets(message: ComposedMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of message.stream()) chunks.push(chunk);
  return concatBytes(chunks);
}

/** Composes, checks size and line lengths, parses back with bodies kept. */
async function roundTrip(draft: MessageDraft, eightBit = false) {
  const message = await composeMessage(draft, { eightBit });
  const bytes = await octets(message);
  equal(bytes.length, message.size, "size is exact");
  const lines = text.decode(bytes).split("\r\n");
  ok(lines.every((line) => utf8.encode(line).length <= 998), "RFC 5322 §2.1.1: 998 octets");
  ok(!text.decode(bytes).replaceAll("\r\n", "").includes("\n"), "CRLF only");
  const root = await parseMessage(bytes, { keepBodies: true });
  return { message, bytes, root, parts: [...walkParts(root)] };
}

function shape(parts: MessagePart[]): string[] {
  return parts.map((p) =>
    `${p.path} ${p.contentType.mediaType}${p.filename ? ` ${p.filename}` : ""}`
  );
}

Deno.test("text only: one part, Date, From, To, Subject, Message-ID, 7bit", async () => {
  const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const { bytes, root } = await roundTrip({
    from: FROM,
    to: [TO],
    subject: "Hello",
    text: "Hi\nthere",
    date,
    messageId: "id@x.test",
  });
  const header = text.decode(bytes).split("\r\n\r\n")[0].split("\r\n");
  deepEqual(header.map((line) => line.split(":")[0]), [
    "Date",
    "From",
    "To",
    "Subject",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
  ]);
  equal(header[1], "From: =?utf-8?Q?Zo=C3=AB?= <a@x.test>");
  equal(header[4], "Message-ID: <id@x.test>");
  equal(root.transferEncoding, "7bit");
  equal(root.charset, "us-ascii");
  equal(text.decode(root.body), "Hi\r\nthere\r\n");
});

Deno.test("HTML, inline image and attachments: mixed > alternative > related", async () => {
  const logo = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 255, 13, 10);
  const { root, parts } = await roundTrip({
    from: FROM,
    to: [TO],
    html: '<p>Grüße <img src="cid:logo.png"></p>',
    inline: [{ fileName: "logo.png", content: logo }],
    attachments: [
      { fileName: "données.csv", content: utf8.encode("a,b\n") },
      { fileName: "x.bin", mediaType: "application/x-thing", content: new Uint8Array(1000) },
    ],
  });
  deepEqual(shape(parts), [
    "1 multipart/mixed",
    "1.1 multipart/alternative",
    "1.1.1 text/plain",
    "1.1.2 multipart/related",
    "1.1.2.1 text/html",
    "1.1.2.2 image/png logo.png",
    "1.2 text/csv données.csv",
    "1.3 application/x-thing x.bin",
  ]);
  equal(text.decode(parts[2].body), "Grüße\r\n", "text derived from the HTML");
  equal(parts[3].contentType.params.type, "text/html");
  deepEqual(parts[5].body, logo);
  equal(parts[5].headers.find((h) => h.name === "Content-ID")?.value, "<logo.png>");
  equal(parts[5].disposition?.type, "inline");
  deepEqual(parts[6].body, utf8.encode("a,b\n"), "attachments keep their exact octets");
  equal(parts[6].transferEncoding, "base64");
  equal(root.warnings.length + parts.reduce((n, p) => n + p.warnings.length, 0), 0);
});

Deno.test("8bit only when allowed; the message says whether it needs BODY=8BITMIME", async () => {
  const draft = { from: FROM, text: "Grüße aus dem schönen Köln\n" };
  const seven = await roundTrip(draft);
  equal(seven.root.transferEncoding, "quoted-printable");
  equal(seven.message.eightBit, false);
  const eight = await roundTrip(draft, true);
  equal(eight.root.transferEncoding, "8bit");
  equal(eight.message.eightBit, true);
  equal(text.decode(eight.root.body), "Grüße aus dem schönen Köln\r\n");
  const ascii = await roundTrip({ from: FROM, text: "plain" }, true);
  equal(ascii.message.eightBit, false);
  const russian = await roundTrip({ from: FROM, text: "Привет, как дела?" });
  equal(russian.root.transferEncoding, "base64", "mostly escapes: base64 is shorter");
});

Deno.test("draft headers replace generated ones of the same name, others are added", async () => {
  const { bytes } = await roundTrip({
    from: FROM,
    subject: "generated",
    headers: [
      { name: "subject", value: "mine ü" },
      { name: "X-Tag", value: "a" },
      { name: "X-Tag", value: "b" },
      { name: "Reply-To", value: "Jürgen <j@x.test>" },
    ],
  });
  const header = text.decode(bytes).split("\r\n\r\n")[0];
  ok(header.includes("\r\nsubject: =?utf-8?Q?mine_=C3=BC?=\r\n"));
  ok(!header.includes("generated"));
  ok(header.includes("X-Tag: a\r\nX-Tag: b\r\n"));
  ok(header.includes("Reply-To: =?utf-8?Q?J=C3=BCrgen?= <j@x.test>"));
});

Deno.test("bad drafts and missing files are typed errors", async () => {
  await rejects(
    composeMessage({ from: FROM, inline: [{ fileName: "a.png", content: new Uint8Array() }] }),
    MessageDraftError,
  );
  await rejects(
    composeMessage({ from: FROM, headers: [{ name: "Content-Type", value: "text/html" }] }),
    MessageDraftError,
  );
  await rejects(
    composeMessage({ from: FROM, headers: [{ name: "Bad Name", value: "x" }] }),
    MessageDraftError,
  );
  const missing = { fileName: "a", content: { path: "/nonexistent/a" } };
  await rejects(composeMessage({ from: FROM, attachments: [missing] }), MessageSourceError);
});

Deno.test("a file attachment is read while streaming, each stream anew", async () => {
  const file = await Deno.makeTempFile();
  try {
    const content = new Uint8Array(300_001).map((_, i) => (i * 7919) % 251);
    await Deno.writeFile(file, content);
    const message = await composeMessage({
      from: FROM,
      attachments: [{ fileName: "r.bin", content: { path: file } }],
    });
    for (let i = 0; i < 2; i++) {
      const bytes = await octets(message);
      equal(bytes.length, message.size);
      const root = await parseMessage(bytes, { keepBodies: true });
      deepEqual([...walkParts(root)][2].body, content);
    }
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("any draft round-trips through the parser with exact bodies and names", async () => {
  const name = fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 });
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: "grapheme", maxLength: 400 }),
      fc.option(fc.string({ unit: "grapheme", maxLength: 200 })),
      fc.array(fc.record({ fileName: name, content: fc.uint8Array({ maxLength: 300 }) }), {
        maxLength: 3,
      }),
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.boolean(),
      async (body, html, attachments, subject, eightBit) => {
        const draft = { from: FROM, to: [TO], subject, text: body, html: html ?? undefined };
        const { root, parts } = await roundTrip({ ...draft, attachments }, eightBit);
        equal(root.headers.find((h) => h.name === "Subject")?.value.trim(), subject.trim());
        const textPart = parts.find((p) => p.contentType.mediaType === "text/plain")!;
        const expected = body.replace(/\r\n|\r|\n/g, "\r\n").replace(/(?<!\r\n)$/, "\r\n");
        equal(text.decode(textPart.body), expected === "\r\n" ? "" : expected);
        const files = parts.filter((p) => p.disposition?.type === "attachment");
        deepEqual(files.map((p) => p.filename), attachments.map((a) => a.fileName));
        files.forEach((p, i) => deepEqual(p.body, attachments[i].content));
      },
    ),
    { numRuns: 60 },
  );
});
