import { deepEqual, equal, rejects } from "node:assert/strict";
import { type MessagePart, parseMessage, walkParts } from "../../lib/message/mod.ts";

/** A message with a text part and a 300 kB base64 attachment, so reads span many buffers. */
function bigMessage(): Uint8Array {
  const octets = new Uint8Array(300_000).map((_, i) => (i * 7919) >> 3);
  let binary = "";
  for (const octet of octets) binary += String.fromCharCode(octet);
  const base64 = btoa(binary).replace(/.{76}/g, "$&\r\n");
  return new TextEncoder().encode(
    'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n' +
      "caf\u00e9 text\r\n--b\r\nContent-Type: application/octet-stream\r\n" +
      `Content-Transfer-Encoding: base64\r\n\r\n${base64}\r\n--b--\r\n`,
  );
}

function shape(root: MessagePart) {
  return [...walkParts(root)].map((p) => [p.path, p.bodyOffset, p.decodedSize, p.sha256, p.body]);
}

/** A byte stream (BYOB-capable) that hands out `bytes` in pieces of at most `piece` octets. */
function byteStream(
  bytes: Uint8Array,
  piece: number,
  failAt = Infinity,
): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (at >= failAt) return controller.error(new Error("disk on fire"));
      if (at >= bytes.length) {
        controller.close();
        return controller.byobRequest?.respond(0); // a BYOB read stays pending until this
      }
      controller.enqueue(bytes.slice(at, at += piece));
    },
  });
}

Deno.test("parseMessage: a byte stream read into reused buffers gives the tree of the octets", async () => {
  const bytes = bigMessage();
  const keepBodies = true;
  const expected = shape(await parseMessage(bytes, { keepBodies }));
  for (const piece of [1000, 65_536, 100_003]) {
    deepEqual(shape(await parseMessage(byteStream(bytes, piece), { keepBodies })), expected);
  }
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeFile(path, bytes);
    using file = await Deno.open(path);
    deepEqual(shape(await parseMessage(file.readable, { keepBodies })), expected);
  } finally {
    await Deno.remove(path);
  }
  const plain = ReadableStream.from([bytes.subarray(0, 5000), bytes.subarray(5000)]);
  deepEqual(shape(await parseMessage(plain, { keepBodies })), expected);
  equal(expected[2][2], 300_000);
});

Deno.test("parseMessage: an error of the byte stream is passed on", async () => {
  await rejects(parseMessage(byteStream(bigMessage(), 4096, 100_000)), /disk on fire/);
});
