import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { authorDomain, peekHeader } from "../../lib/auth/mod.ts";

const encoder = new TextEncoder();

Deno.test("authorDomain: the From mailbox's domain in A-labels", () => {
  const domain = (header: string) => authorDomain(encoder.encode(header));
  equal(domain("To: x@y.test\r\nFrom: Ann <ann@Example.TEST>\r\n\r\n"), "example.test");
  equal(domain('From: "Bö" <b@bücher.example>\n'), "xn--bcher-kva.example");
  equal(domain("From: Team: a@one.test, b@two.test;\r\n"), "one.test");
  equal(domain("Subject: none\r\n"), undefined);
  equal(domain("From: not an address\r\n"), undefined);
});

Deno.test("peekHeader: the header, and the whole message replayed, however it is chunked", async () => {
  const text = fc.stringMatching(/^[a-z :\r\n]{0,80}$/);
  await fc.assert(
    fc.asyncProperty(text, text, fc.array(fc.nat(200), { maxLength: 8 }), async (h, b, cuts) => {
      const bytes = encoder.encode(
        `From: a@b.test\r\nX: ${h.replace(/\n\n|\r\n\r\n|^\r?\n/g, "")}\r\n\r\n${b}`,
      );
      const ends = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((x, y) => x - y);
      const chunks = [...ends, bytes.length].map((end, i, all) =>
        bytes.slice(all[i - 1] ?? 0, end)
      );
      const peeked = await peekHeader(ReadableStream.from(chunks.filter((c) => c.length > 0)));
      const replayed = new Uint8Array(await new Response(peeked.message).arrayBuffer());
      deepEqual(replayed, bytes);
      equal(authorDomain(peeked.header), "b.test");
      const blank = new TextDecoder().decode(peeked.header).search(/\r?\n\r?\n/);
      equal(blank, -1);
    }),
  );
});

Deno.test("peekHeader: a message that is all header, and one starting with the empty line", async () => {
  const all = await peekHeader(ReadableStream.from([encoder.encode("From: a@b.test")]));
  equal(new TextDecoder().decode(all.header), "From: a@b.test");
  const empty = await peekHeader(ReadableStream.from([encoder.encode("\r\nbody")]));
  equal(empty.header.length, 0);
});
