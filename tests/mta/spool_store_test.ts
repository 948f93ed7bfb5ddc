import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { statfsSync } from "node:fs";
import { parsePath } from "../../lib/address/mod.ts";
import { SpoolStore } from "../../lib/mta/spool_store.ts";
import { type IncomingMessage, StoreError } from "../../lib/smtp/server/connection.ts";
import { Spool, type SpooledMessage } from "../../lib/spool/spool.ts";

const encoder = new TextEncoder();

function incoming(recipients: string[], content: string[]): IncomingMessage {
  const pieces = content.map((piece) => encoder.encode(piece));
  return {
    envelope: {
      reversePath: parsePath("<a@example.test>"),
      mailParams: { body: "8BITMIME", size: 100, envid: "E1", other: new Map() },
      recipients: recipients.map((address, i) => ({
        path: parsePath(`<${address}>`),
        params: i === 0
          ? {
            notify: ["SUCCESS", "FAILURE"],
            orcpt: { addrType: "rfc822", address },
            other: new Map(),
          }
          : { other: new Map() },
      })),
    },
    client: {
      address: "::1",
      port: 4000,
      helo: "client.test",
      esmtp: true,
      tls: true,
      authenticated: false,
    },
    clientName: "localhost",
    content: pieces,
    size: pieces.reduce((sum, piece) => sum + piece.length, 0),
  } as IncomingMessage;
}

async function openSpool(): Promise<Spool> {
  return (await Spool.open(await Deno.makeTempDir(), () => Promise.resolve())).spool;
}

Deno.test("spool store: stores durably, then hands the message to delivery", async () => {
  const spool = await openSpool();
  const handed: SpooledMessage[] = [];
  const store = new SpoolStore(spool, "mx.test", (message) => handed.push(message));
  const id = await store.store(incoming(["b@example.test"], ["Subject: x\r\n", "\r\nbody\r\n"]));
  equal(handed.length, 1);
  const [message] = handed;
  equal(message.meta.id, id);
  equal(new TextDecoder().decode(message.body), "Subject: x\r\n\r\nbody\r\n");
  equal(message.meta.from, "a@example.test");
  deepEqual(message.meta.recipients, [{
    address: "b@example.test",
    notify: ["SUCCESS", "FAILURE"],
    orcpt: "rfc822;b@example.test",
  }]);
  deepEqual(message.meta.mailParams, { size: 100, body: "8BITMIME", envid: "E1" });
  deepEqual(message.meta.client, {
    address: "::1",
    port: 4000,
    helo: "client.test",
    name: "localhost",
    tls: true,
  });
  match(message.meta.received, /^Received: from client\.test \(localhost \[IPv6:::1\]\)\r\n/);
  match(message.meta.received, new RegExp(`\tby mx\\.test \\(postie\\) with ESMTPS id ${id}\r\n`));
  match(message.meta.received, /\tfor <b@example\.test>; /);
  await spool.close();
});

Deno.test("spool store: several recipients are not named in Received", async () => {
  const spool = await openSpool();
  const handed: SpooledMessage[] = [];
  const store = new SpoolStore(spool, "mx.test", (message) => handed.push(message));
  await store.store(incoming(["b@example.test", "c@example.test"], ["x\r\n"]));
  ok(!handed[0].meta.received.includes(" for "));
  equal(handed[0].meta.recipients.length, 2);
  await spool.close();
});

Deno.test("spool store: a full disk is StoreError disk-full, other failures io", async () => {
  const spool = await openSpool();
  const handed: SpooledMessage[] = [];
  const store = new SpoolStore(spool, "mx.test", (message) => handed.push(message));
  const proto = Deno.FsFile.prototype;
  const write = proto.write;
  for (const [code, reason] of [["ENOSPC", "disk-full"], ["EDQUOT", "disk-full"], ["EIO", "io"]]) {
    proto.write = () => Promise.reject(Object.assign(new Error(code), { code }));
    try {
      await rejects(store.store(incoming(["b@example.test"], ["x\r\n"])), (error) => {
        ok(error instanceof StoreError);
        equal(error.reason, reason);
        equal((error.cause as { code: string }).code, code);
        return true;
      });
    } finally {
      proto.write = write;
    }
  }
  equal(handed.length, 0, "nothing unstored goes to delivery");
  await store.store(incoming(["b@example.test"], ["x\r\n"]));
  equal(handed.length, 1);
  await spool.close();
});

Deno.test("spool store: without room to store and deliver a message, 452 before writing", async () => {
  const spool = await openSpool();
  const handed: SpooledMessage[] = [];
  const store = new SpoolStore(spool, "mx.test", (message) => handed.push(message));
  const small = await store.store(incoming(["b@example.test"], ["x\r\n"]));
  ok(small);
  const segment = handed[0].location.segment;
  // A message as large as the whole disk: storing it would leave no room to deliver it.
  const { bavail, bsize } = statfsSync(spool.dir);
  const huge = { ...incoming(["b@example.test"], ["x\r\n"]), size: bavail * bsize };
  await rejects(store.store(huge), (error) => {
    ok(error instanceof StoreError);
    equal(error.reason, "disk-full");
    return true;
  });
  deepEqual(spool.undelivered.messages, 1, "nothing was stored");
  // The segment was closed, so the space of delivered mail comes back without it filling up.
  await store.store(incoming(["b@example.test"], ["x\r\n"]));
  equal(handed[1].location.segment, segment + 1);
  await spool.close();
});
