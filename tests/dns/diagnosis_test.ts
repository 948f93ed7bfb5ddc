import { deepEqual as assertEquals, ok as assert } from "node:assert/strict";
import { diagnose, type Diagnosis, Resolver, toMailDomain } from "../../lib/dns/mod.ts";
import { peerTest } from "../peers.ts";
import { startFakeDns } from "./fake_server.ts";
import { dig, startZone } from "./zone.ts";

function codes(d: Diagnosis, severity?: string): string[] {
  return d.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code).sort();
}

peerTest(
  "lib/dns against the dnsmasq fixture zone, dig as referee",
  ["dnsmasq", "dig"],
  async (t) => {
    const dns = await startZone();
    const resolver = new Resolver({ nameServer: dns.nameServer, timeoutMs: 2000 });
    const check = (name: string) => diagnose(resolver, toMailDomain(name));
    /** The MX as dig +short prints it, in preference order. */
    const digMx = async (name: string) =>
      (await dig(dns, name, "MX")).sort((a, b) => parseInt(a) - parseInt(b));
    const ourMx = (d: Diagnosis) =>
      d.route.mx.records.map((r) => `${r.preference} ${r.exchange || ""}.`);
    try {
      await t.step("two MX in preference order, addresses as dig finds them", async () => {
        const d = await check("two.test");
        assertEquals(d.route.kind, "mx");
        assertEquals(
          d.route.hosts.map((h) => `${h.preference} ${h.exchange}.`),
          await digMx("two.test"),
        );
        for (const host of d.route.hosts) {
          const addresses = [
            ...await dig(dns, host.exchange, "A"),
            ...await dig(dns, host.exchange, "AAAA"),
          ];
          assertEquals(host.addresses, addresses, host.exchange);
        }
        assertEquals(d.verdict, "ok", JSON.stringify(d.findings));
        assertEquals(d.spf?.record, (await dig(dns, "two.test", "TXT"))[0]);
        assertEquals(d.dmarc?.record, (await dig(dns, "_dmarc.two.test", "TXT"))[0]);
        assertEquals([d.dmarc?.policy, d.mtaSts?.id, d.tlsRpt?.rua], ["reject", "20240601T0000", [
          "mailto:tls@two.test",
        ]]);
        assertEquals(d.bimi?.logo, "https://two.test/logo.svg");
      });
      await t.step("equal preferences: a warning, none is a backup of another", async () => {
        const d = await check("equal.test");
        assertEquals(ourMx(d).sort(), (await digMx("equal.test")).sort());
        assertEquals(d.route.hosts.map((h) => h.exchange), ["a.equal.test", "b.equal.test"]);
        assert(codes(d, "warning").includes("mx-equal-preference"));
        assertEquals(d.verdict, "warning");
      });
      await t.step("implicit MX: no MX records, the domain's own address", async () => {
        const d = await check("implicit.test");
        assertEquals([d.route.kind, await digMx("implicit.test")], ["implicit", []]);
        assertEquals(d.route.hosts[0].addresses, await dig(dns, "implicit.test", "A"));
      });
      await t.step("null MX: accepts no mail", async () => {
        const d = await check("nullmx.test");
        assertEquals([d.route.kind, ourMx(d), await digMx("nullmx.test")], ["null", ["0 ."], [
          "0 .",
        ]]);
        assertEquals(d.route.hosts, []);
      });
      await t.step("an MX that is a CNAME is flagged; its addresses follow the alias", async () => {
        const d = await check("cname.test");
        assertEquals(ourMx(d), await digMx("cname.test"));
        assert(codes(d, "warning").includes("mx-cname"));
        // dig +short prints the CNAME target, then the address
        assertEquals([
          ...d.route.hosts[0].a.aliases.map((a) => `${a}.`),
          ...d.route.hosts[0].addresses,
        ], await dig(dns, "alias.cname.test", "A"));
      });
      await t.step("a dangling MX, an IP-literal MX, no MX and no address are errors", async () => {
        const dangling = await check("dangling.test");
        assertEquals([ourMx(dangling), await dig(dns, "gone.dangling.test", "A")], [
          await digMx("dangling.test"),
          [],
        ]);
        assertEquals(codes(dangling, "error").filter((c) => c.startsWith("mx")), ["mx-dangling"]);
        const literal = await check("literal.test");
        assertEquals(ourMx(literal), await digMx("literal.test"));
        assert(codes(literal, "error").includes("mx-ip-literal"));
        const none = await check("noroute.test");
        assertEquals([none.route.kind, codes(none, "error")], ["none", ["no-mx"]]);
      });
      await t.step("SPF: include loop, 11 lookups, exactly 10, several records, +all", async () => {
        const loop = await check("loop.test");
        assert(codes(loop, "error").includes("spf-loop"), JSON.stringify(loop.findings));
        const many = await check("many.test");
        assertEquals([many.spf?.lookups, codes(many, "error")], [11, ["spf-too-many-lookups"]]);
        const ten = await check("ten.test");
        assertEquals([ten.spf?.lookups, codes(ten, "error")], [10, []]);
        const several = await check("several.test");
        assertEquals((await dig(dns, "several.test", "TXT")).length, 2);
        assert(codes(several, "error").includes("spf-several-records"));
        const permissive = await check("permissive.test");
        assert(codes(permissive, "warning").includes("spf-pass-all"));
        assert(codes(permissive, "warning").includes("dmarc-p-none"));
        assert(codes(permissive, "warning").includes("dmarc-pct"));
      });
      await t.step(
        "DMARC only at the organisational domain: found there, sp= applies",
        async () => {
          const d = await check("sub.org.test");
          assertEquals(await dig(dns, "_dmarc.sub.org.test", "TXT"), []);
          assertEquals([d.dmarc?.foundAt, d.dmarc?.policy], ["_dmarc.org.test", "reject"]);
        },
      );
      await t.step("an IDN domain in U-labels is asked for in A-labels", async () => {
        const d = await check("bücher.test");
        assertEquals([d.domain.ascii, ourMx(d)], [
          "xn--bcher-kva.test",
          await digMx("xn--bcher-kva.test"),
        ]);
      });
      await t.step("NXDOMAIN is told apart from NODATA", async () => {
        const d = await check("nope.test");
        assertEquals([d.route.kind, d.verdict, await digMx("nope.test")], [
          "nxdomain",
          "error",
          [],
        ]);
        assertEquals((await resolver.lookup("implicit.test", "MX")).status, "nodata");
        assertEquals((await resolver.lookup("nope.test", "MX")).status, "nxdomain");
      });
    } finally {
      resolver.close();
      await dns.stop();
    }
  },
);

Deno.test({
  name: "SERVFAIL, REFUSED and timeouts are reported as such, never as NXDOMAIN",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    for (
      const [rcode, status] of [[2, "servfail"], [5, "refused"], ["silent", "timeout"]] as const
    ) {
      const server = await startFakeDns(() => rcode === "silent" ? "silent" : { rcode });
      const resolver = new Resolver({ nameServer: server.nameServer, timeoutMs: 300 });
      const d = await diagnose(resolver, toMailDomain("example.test"));
      assertEquals([d.route.kind, d.route.mx.status, d.verdict], ["unknown", status, "error"]);
      resolver.close();
      server.close();
    }
  },
});
