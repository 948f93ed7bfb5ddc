import { equal } from "node:assert/strict";
import { ptrName, ReverseDns } from "../../lib/mta/reverse_dns.ts";

Deno.test("reverse dns: IPv4 PTR names (RFC 1035 §3.5)", () => {
  equal(ptrName("192.0.2.7"), "7.2.0.192.in-addr.arpa");
});

Deno.test("reverse dns: IPv6 PTR names, :: expanded (RFC 3596 §2.5)", () => {
  equal(
    ptrName("2001:db8::1"),
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
  );
  equal(ptrName("::1"), `1.${"0.".repeat(31)}ip6.arpa`);
  equal(ptrName("fe80::"), `${"0.".repeat(28)}0.8.e.f.ip6.arpa`);
  equal(
    ptrName("2001:db8:0:0:1:2:3:4"),
    "4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
  );
});

Deno.test("reverse dns: loopback is localhost without asking DNS", async () => {
  const dns = new ReverseDns();
  equal(await dns.lookup("127.0.0.1"), "localhost");
  equal(await dns.lookup("127.1.2.3"), "localhost");
  equal(await dns.lookup("::1"), "localhost");
});

Deno.test("reverse DNS: an IPv4-mapped IPv6 loopback client is localhost too", async () => {
  equal(await new ReverseDns().lookup("::ffff:127.0.0.1"), "localhost");
});
