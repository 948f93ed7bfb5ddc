import { equal } from "node:assert/strict";
import { ReverseDns } from "../../lib/mta/reverse_dns.ts";

Deno.test("reverse dns: loopback is localhost without asking DNS", async () => {
  const dns = new ReverseDns();
  equal(await dns.lookup("127.0.0.1"), "localhost");
  equal(await dns.lookup("127.1.2.3"), "localhost");
  equal(await dns.lookup("::1"), "localhost");
});

Deno.test("reverse DNS: an IPv4-mapped IPv6 loopback client is localhost too", async () => {
  equal(await new ReverseDns().lookup("::ffff:127.0.0.1"), "localhost");
});
