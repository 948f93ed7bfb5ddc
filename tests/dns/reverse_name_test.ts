import { deepEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { DnsNameError, reverseName } from "../../lib/dns/mod.ts";

Deno.test("reverseName: IPv4 in in-addr.arpa, octets reversed (RFC 1035 §3.5)", () => {
  assertEquals(reverseName("192.0.2.10"), "10.2.0.192.in-addr.arpa");
});

Deno.test("reverseName: IPv6 in ip6.arpa, every nibble reversed (RFC 3596 §2.5)", () => {
  const expected = "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa";
  // RFC 3596 §2.5's own example
  assertEquals(reverseName("4321:0:1:2:3:4:567:89ab"), expected);
  assertEquals(reverseName("::1"), `1${".0".repeat(31)}.ip6.arpa`);
  assertEquals(reverseName("2001:DB8::"), `${"0.".repeat(24)}8.b.d.0.1.0.0.2.ip6.arpa`);
});

Deno.test("reverseName: anything else is a DnsNameError", () => {
  for (const bad of ["mx.example", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "g::1"]) {
    assertThrows(() => reverseName(bad), DnsNameError, bad);
  }
});

Deno.test("reverse name: more IPv4 PTR names (RFC 1035 §3.5)", () => {
  assertEquals(reverseName("192.0.2.7"), "7.2.0.192.in-addr.arpa");
});

Deno.test("reverse name: IPv6 names with :: at either end or absent (RFC 3596 §2.5)", () => {
  assertEquals(
    reverseName("2001:db8::1"),
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
  );
  assertEquals(reverseName("::1"), `1.${"0.".repeat(31)}ip6.arpa`);
  assertEquals(reverseName("fe80::"), `${"0.".repeat(28)}0.8.e.f.ip6.arpa`);
  assertEquals(
    reverseName("2001:db8:0:0:1:2:3:4"),
    "4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
  );
});
