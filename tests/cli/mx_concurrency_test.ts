import { deepEqual as assertEquals } from "node:assert/strict";
import { peerTest, startDnsmasq } from "../peers.ts";
import { runPostie } from "./run_postie.ts";

const DOMAINS = 500;
const octets = (i: number) => `${i >> 8}.${i & 255}`;

/** Each domain's own answers, and two names every domain shares (a backup MX, an SPF include). */
function zone(): string[] {
  return [
    "--host-record=backup.shared.test,192.0.2.25",
    "--txt-record=spf.shared.test,v=spf1 ip4:192.0.2.0/24 -all",
    ...Array.from({ length: DOMAINS }, (_, i) => [
      `--mx-host=c${i}.test,mx.c${i}.test,${(i % 7) + 1}`,
      `--mx-host=c${i}.test,backup.shared.test,90`,
      `--host-record=mx.c${i}.test,10.${octets(i)}.1`,
      `--txt-record=c${i}.test,v=spf1 ip4:10.${octets(i)}.0/24 include:spf.shared.test -all`,
      `--txt-record=_dmarc.c${i}.test,v=DMARC1; p=reject; rua=mailto:r${i}@c${i}.test`,
    ]).flat(),
  ];
}

peerTest(
  "postie mx: 500 domains at once (--file) and 60 arguments, each result its own domain's only",
  ["dnsmasq"],
  async () => {
    const dns = await startDnsmasq(zone());
    try {
      const list = Array.from({ length: DOMAINS }, (_, i) => `c${i}.test`).join("\n");
      const { code, stdout } = await runPostie(
        [
          "mx",
          "--resolver",
          `127.0.0.1:${dns.port}`,
          "--json",
          "--concurrency",
          "200",
          "--file",
          "-",
        ],
        { stdin: list },
      );
      assertEquals(code, 0);
      const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
      assertEquals(lines.length, DOMAINS);
      const seen = new Set<string>();
      for (const { input, diagnosis: d } of lines) {
        const i = Number(/^c(\d+)\.test$/.exec(input)![1]);
        seen.add(input);
        assertEquals(d.domain.ascii, input);
        assertEquals(
          d.route.hosts.map((
            h: { preference: number; exchange: string; addresses: string[] },
          ) => [h.preference, h.exchange, h.addresses]),
          [[(i % 7) + 1, `mx.c${i}.test`, [`10.${octets(i)}.1`]], [90, "backup.shared.test", [
            "192.0.2.25",
          ]]],
        );
        assertEquals(
          [d.spf.record, d.spf.lookups, d.spf.includes[0].domain],
          [`v=spf1 ip4:10.${octets(i)}.0/24 include:spf.shared.test -all`, 1, "spf.shared.test"],
        );
        assertEquals([d.dmarc.foundAt, d.dmarc.tags.rua], [
          `_dmarc.c${i}.test`,
          `mailto:r${i}@c${i}.test`,
        ]);
        assertEquals(d.verdict, "ok", input);
      }
      assertEquals(seen.size, DOMAINS);
      // Arguments: diagnosed 7 at a time, printed in the order given
      const picked = Array.from({ length: 60 }, (_, k) => `c${(k * 37) % DOMAINS}.test`);
      const args = await runPostie([
        ...["mx", "--resolver", `127.0.0.1:${dns.port}`, "--json", "--concurrency", "7"],
        ...picked,
      ]);
      const outcomes = args.stdout.trim().split("\n").map((line) => JSON.parse(line));
      assertEquals(
        outcomes.map((o) => [o.input, o.diagnosis.route.hosts[0].exchange]),
        picked.map((d) => [d, `mx.${d}`]),
      );
    } finally {
      await dns.stop();
    }
  },
);
