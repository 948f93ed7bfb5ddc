import { deepEqual as assertEquals, match as assertMatch, ok as assert } from "node:assert/strict";
import dgram from "node:dgram";
import { peerTest } from "../peers.ts";
import { dig, startZone } from "../dns/zone.ts";
import { runPostie } from "./run_postie.ts";

function postie(args: string[], stdin?: string) {
  return runPostie(["mx", ...args], { stdin });
}

peerTest("postie mx against the dnsmasq fixture zone", ["dnsmasq", "dig"], async (t) => {
  const dns = await startZone();
  const resolver = `127.0.0.1:${dns.port}`;
  try {
    await t.step(
      "a report: verdict on top, MX in order with addresses, plain words off a TTY",
      async () => {
        const { code, stdout } = await postie([
          "--resolver",
          resolver,
          "--no-mta-sts-fetch",
          "two.test",
        ]);
        assertEquals(code, 0);
        const lines = stdout.split("\n");
        assertEquals(lines[0], "two.test: ok (0 errors, 0 warnings)");
        assertMatch(
          stdout,
          /^ +10 +mx1\.two\.test +127\.0\.0\.11\n +20 +mx2\.two\.test +127\.0\.0\.12, ::1$/m,
        );
        assertMatch(stdout, /^ {4}ok {6}spf {5}1 of 10 DNS lookups$/m);
        assert(!/[✓✗]/.test(stdout) && !stdout.includes("\x1b["), "no marks or colours off a TTY");
      },
    );
    await t.step("the MTA-STS policy _mta-sts announces is fetched by default", async () => {
      const { code, stdout } = await postie(["--resolver", resolver, "two.test"]);
      assertEquals(code, 0);
      assertEquals(stdout.split("\n")[0], "two.test: error (1 error, 0 warnings)");
      assertMatch(
        stdout,
        /^ {2}policy {3}https:\/\/mta-sts\.two\.test\/\.well-known\/mta-sts\.txt$/m,
      );
      assertMatch(stdout, /^ +error +mta-sts .*: mta-sts\.two\.test has no address$/m);
    });
    await t.step("--json: the MX and addresses agree with dig", async () => {
      const { code, stdout } = await postie(["--resolver", resolver, "--json", "user@two.test"]);
      assertEquals(code, 0);
      const { input, diagnosis } = JSON.parse(stdout);
      assertEquals(input, "user@two.test");
      const ours = diagnosis.route.hosts.map((h: { preference: number; exchange: string }) =>
        `${h.preference} ${h.exchange}.`
      );
      assertEquals(ours, (await dig(dns, "two.test", "MX")).sort());
      assertEquals(diagnosis.route.hosts[1].addresses, [
        ...await dig(dns, "mx2.two.test", "A"),
        ...await dig(dns, "mx2.two.test", "AAAA"),
      ]);
      assertEquals(diagnosis.spf.lookups, 1);
    });
    await t.step(
      "exit 68 for NXDOMAIN, 65 for a name that is not a domain, 64 with nothing",
      async () => {
        const nx = await postie(["--resolver", resolver, "nope.test"]);
        assertEquals([nx.code, await dig(dns, "nope.test", "MX")], [68, []]);
        assertMatch(nx.stdout, /NXDOMAIN/);
        assertEquals((await postie(["--resolver", resolver, "bad name"])).code, 65);
        assertEquals((await postie(["--resolver", resolver])).code, 64);
        assertEquals((await postie(["--resolver", "127.0.0.1:99999", "two.test"])).code, 64);
      },
    );
    await t.step("--file: NDJSON, one line per domain, the worst exit code", async () => {
      const file = await Deno.makeTempFile();
      await Deno.writeTextFile(
        file,
        "two.test\n# comment\n\nnope.test\nbücher.test\nnullmx.test\n",
      );
      const { code, stdout } = await postie(["--resolver", resolver, "--json", "--file", file]);
      await Deno.remove(file);
      assertEquals(code, 68);
      const results = stdout.trim().split("\n").map((line) => JSON.parse(line));
      const kinds = Object.fromEntries(results.map((r) => [r.input, r.diagnosis.route.kind]));
      assertEquals(kinds, {
        "two.test": "mx",
        "nope.test": "nxdomain",
        "bücher.test": "mx",
        "nullmx.test": "null",
      });
    });
    await t.step("--file - reads stdin; text mode is one line per domain", async () => {
      const { code, stdout } = await postie(
        ["--resolver", resolver, "--file", "-"],
        "cname.test\nnoroute.test\n",
      );
      assertEquals(code, 0);
      const lines = stdout.trim().split("\n").sort();
      assertEquals(lines, [
        "error   noroute.test: no MX and no address: mail cannot be delivered",
        "warning cname.test: 1 MX host (TTL 0 s): alias.cname.test; MX alias.cname.test is a CNAME to real.cname.test (RFC 2181 §10.3)",
      ]);
    });
    await t.step("a missing --file exits 66", async () => {
      assertEquals(
        (await postie(["--resolver", resolver, "--file", "/nonexistent/list"])).code,
        66,
      );
    });
  } finally {
    await dns.stop();
  }
});

Deno.test({
  name: "postie mx: a DNS server that does not answer exits 75 and says so",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    try {
      const port = socket.address().port;
      const { code, stdout } = await postie([
        "--resolver",
        `127.0.0.1:${port}`,
        "--timeout",
        "300ms",
        "x.test",
      ]);
      assertEquals(code, 75);
      assertMatch(stdout, /DNS failed: no answer from 127\.0\.0\.1:\d+ in 300 ms/);
    } finally {
      socket.close();
    }
  },
});
