import { deepEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { DnsNameError } from "../../lib/dns/errors.ts";
import { toMailDomain } from "../../lib/dns/mail_domain.ts";
import { organizationalDomain } from "../../lib/dns/organizational_domain.ts";
import { parseTagList } from "../../lib/dns/tag_list.ts";
import { systemNameServer } from "../../lib/dns/name_server.ts";

Deno.test("a domain or an address becomes A-labels (IDNA), a final dot dropped", () => {
  assertEquals(toMailDomain("Example.COM."), { ascii: "example.com", unicode: "example.com" });
  assertEquals(toMailDomain("<Jöran@Bücher.test>"), {
    ascii: "xn--bcher-kva.test",
    unicode: "bücher.test",
  });
  assertEquals(toMailDomain("例え.テスト").ascii, "xn--r8jz45g.xn--zckzah");
  for (const bad of ["", "a b", "-a.test", "a..test", "user@"]) {
    assertThrows(() => toMailDomain(bad), DnsNameError, bad);
  }
});

Deno.test("the organisational domain comes from the Public Suffix List", () => {
  assertEquals(organizationalDomain("mail.example.co.uk"), "example.co.uk");
  assertEquals(organizationalDomain("a.b.example.test"), "example.test");
  assertEquals(organizationalDomain("user.github.io"), "user.github.io");
  assertEquals(organizationalDomain("test"), "test");
});

Deno.test("tag lists: trimmed, lower-cased tags, first value wins, garbage is undefined", () => {
  const tags = parseTagList(" v=DMARC1 ;P = reject; p=none;");
  assertEquals([...tags!], [["v", "DMARC1"], ["p", "reject"]]);
  assertEquals(parseTagList("v=DMARC1; reject"), undefined);
});

Deno.test("the system name server is resolv.conf's first nameserver, else 127.0.0.1", () => {
  assertEquals(systemNameServer("# x\nnameserver 192.0.2.53\nnameserver ::1\n"), {
    ipAddr: "192.0.2.53",
    port: 53,
  });
  assertEquals(systemNameServer("nameserver fe80::1%eth0"), { ipAddr: "fe80::1", port: 53 });
  assertEquals(systemNameServer(""), { ipAddr: "127.0.0.1", port: 53 });
});
