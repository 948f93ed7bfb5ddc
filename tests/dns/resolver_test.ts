import { deepEqual, equal, ok as assert, rejects } from "node:assert/strict";
import { MIN_CACHE_SECONDS, Resolver } from "../../lib/dns/mod.ts";
import { startFakeDns } from "./fake_server.ts";

const A = 1;

Deno.test("askers of the same question share one query; a TTL 0 answer serves its transaction", async () => {
  const dns = await startFakeDns(() => ({ a: "192.0.2.7", ttl: 0, delayMs: 20 }));
  const resolver = new Resolver({ nameServer: dns.nameServer });
  try {
    const together = await Promise.all([1, 2, 3].map(() => resolver.lookup("same.test", "A")));
    deepEqual(together.map((l) => l.records), [["192.0.2.7"], ["192.0.2.7"], ["192.0.2.7"]]);
    const later = await resolver.lookup("SAME.test.", "A");
    deepEqual([later.records, later.ttl], [["192.0.2.7"], 0]);
    equal(dns.received.get(`same.test ${A}`), 1, `asked again within ${MIN_CACHE_SECONDS} s`);
  } finally {
    resolver.close();
    dns.close();
  }
});

Deno.test("the cache stays within its bound in octets, dropping the least recently used", async () => {
  const dns = await startFakeDns(() => ({ a: "192.0.2.9", ttl: 300 }));
  const cacheBytes = 4096;
  const resolver = new Resolver({ nameServer: dns.nameServer, cacheBytes });
  try {
    await resolver.lookup("kept.test", "A");
    for (let i = 0; i < 200; i++) {
      await resolver.lookup(`n${i}.test`, "A");
      await resolver.lookup("kept.test", "A"); // used again: moves to the end
      assert(resolver.cachedBytes <= cacheBytes, `${resolver.cachedBytes} octets cached`);
    }
    await resolver.lookup("n199.test", "A");
    await resolver.lookup("n0.test", "A");
    equal(dns.received.get(`kept.test ${A}`), 1, "recently used: still cached");
    equal(dns.received.get(`n199.test ${A}`), 1, "the newest: still cached");
    equal(dns.received.get(`n0.test ${A}`), 2, "the oldest: dropped and asked again");
  } finally {
    resolver.close();
    dns.close();
  }
});

Deno.test("500 names looked up at once: no answer lands on another name", async () => {
  const address = (i: number) => `10.${i >> 8}.${i & 255}.2`;
  const dns = await startFakeDns((name) => ({
    a: address(Number(name.slice(1, name.indexOf(".")))),
    delayMs: Math.random() * 10,
  }));
  const resolver = new Resolver({ nameServer: dns.nameServer, cacheBytes: 1024 });
  try {
    const names = Array.from({ length: 500 }, (_, i) => `m${i}.test`);
    const lookups = await Promise.all(names.map((name) => resolver.lookup(name, "A")));
    lookups.forEach((lookup, i) =>
      deepEqual([lookup.name, lookup.records], [names[i], [address(i)]])
    );
  } finally {
    resolver.close();
    dns.close();
  }
});

Deno.test("failures are not cached: the next asker asks again", async () => {
  let calls = 0;
  const dns = await startFakeDns(() => ++calls === 1 ? { rcode: 2 } : { a: "192.0.2.3", ttl: 60 });
  const resolver = new Resolver({ nameServer: dns.nameServer });
  try {
    equal((await resolver.lookup("flaky.test", "A")).status, "servfail");
    deepEqual((await resolver.lookup("flaky.test", "A")).records, ["192.0.2.3"]);
  } finally {
    resolver.close();
    dns.close();
  }
});

Deno.test("a lookup its caller's signal ends rejects, and is not kept for the next asker", async () => {
  let calls = 0;
  const dns = await startFakeDns(() => ++calls === 1 ? "silent" : { a: "192.0.2.4", ttl: 60 });
  const resolver = new Resolver({ nameServer: dns.nameServer });
  try {
    await rejects(resolver.lookup("slow.test", "A", AbortSignal.timeout(50)));
    deepEqual((await resolver.lookup("slow.test", "A")).records, ["192.0.2.4"]);
  } finally {
    resolver.close();
    dns.close();
  }
});
