import { deepEqual as assertEquals, ok as assert } from "node:assert/strict";
import { peerPath, peerTest, startDnsmasq } from "../peers.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

/** What each test domain's https://mta-sts.<domain>/.well-known/mta-sts.txt answers. */
const POLICIES: Record<string, { status?: number; type?: string; body: string; chunked?: true }> = {
  "enforce.test": { body: policy("enforce", "mx.enforce.test") },
  "nomatch.test": { body: policy("enforce", "other.nomatch.test") },
  "wild.test": { body: policy("enforce", "*.wild.test"), chunked: true },
  "none.test": { body: policy("none", "mx.none.test") },
  "testing.test": { body: policy("testing", "other.testing.test") },
  "notfound.test": { status: 404, body: "not found" },
  "moved.test": { status: 301, body: "" },
  "html.test": { type: "text/html", body: policy("enforce", "mx.html.test") },
  "big.test": { body: policy("enforce", "mx.big.test") + "#".repeat(70_000) },
};

function policy(mode: string, mx: string): string {
  return `version: STSv1\r\nmode: ${mode}\r\nmx: ${mx}\r\nmax_age: 604800\r\n`;
}

/**
 * The test domains: those of POLICIES, nohost.test (whose mta-sts host has no address) and
 * wrongname.test (whose mta-sts host the certificate does not name).
 */
const DOMAINS = [...Object.keys(POLICIES), "nohost.test", "wrongname.test"];

/** Each domain with its MX (and its mta-sts host, but for nohost.test) at 127.0.0.1. */
function zone(): string[] {
  return [
    "--local=/0.0.127.in-addr.arpa/",
    ...DOMAINS.flatMap((d) => [
      `--mx-host=${d},mx.${d},10`,
      `--host-record=mx.${d},127.0.0.1`,
      `--txt-record=_mta-sts.${d},v=STSv1; id=20260101`,
      ...(d === "nohost.test" ? [] : [`--host-record=mta-sts.${d},127.0.0.1`]),
    ]),
  ];
}

async function openssl(args: string[]): Promise<void> {
  const out = await new Deno.Command(peerPath("openssl")!, { args, stdin: "null" }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

/** A test CA (for `DENO_CERT`) and a certificate it signed for every mta-sts.<domain>. */
async function createCertificates(dir: string) {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl([
    ...["req", "-x509", ...ec, "-keyout", `${dir}/ca.key`, "-out", `${dir}/ca.pem`, "-days", "2"],
    ...["-subj", "/CN=postie test CA", "-addext", "basicConstraints=critical,CA:TRUE"],
    ...["-addext", "keyUsage=keyCertSign"],
  ]);
  await openssl([
    ...["req", "-new", ...ec, "-keyout", `${dir}/key.pem`, "-out", `${dir}/req.csr`],
    ...["-subj", "/CN=mta-sts.enforce.test"],
  ]);
  const names = Object.keys(POLICIES).map((d) => `DNS:mta-sts.${d}`).join(",");
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    `subjectAltName=${names}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  await openssl([
    ...["x509", "-req", "-in", `${dir}/req.csr`, "-CA", `${dir}/ca.pem`, "-CAkey", `${dir}/ca.key`],
    ...["-CAcreateserial", "-days", "2", "-extfile", `${dir}/ext.cnf`, "-out", `${dir}/cert.pem`],
  ]);
  return {
    ca: `${dir}/ca.pem`,
    cert: await Deno.readTextFile(`${dir}/cert.pem`),
    key: await Deno.readTextFile(`${dir}/key.pem`),
  };
}

/** One HTTPS server answering for every mta-sts.<domain> by its Host header. */
function servePolicies(cert: string, key: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, cert, key, onListen() {} }, (request) => {
    const url = new URL(request.url);
    const found = POLICIES[url.hostname.replace(/^mta-sts\./, "")];
    if (!found || url.pathname !== "/.well-known/mta-sts.txt") {
      return new Response("", { status: 404 });
    }
    const headers = { "content-type": found.type ?? "text/plain; charset=utf-8" };
    const bytes = new TextEncoder().encode(found.body);
    // A stream has no length: Deno sends it chunked (RFC 9112 §7.1)
    const body = found.chunked
      ? ReadableStream.from([bytes.subarray(0, 20), bytes.subarray(20)])
      : bytes;
    const status = found.status ?? 200;
    return new Response(body, { status, headers: status === 301 ? { location: "/" } : headers });
  });
}

/** `postie mx --json` over `domains` (no --check): each domain's MTA-STS policy findings. */
async function mtaStsCodes(
  resolver: string,
  httpsPort: number,
  domains: string[],
  env: Record<string, string>,
  timeout = "3s",
): Promise<Record<string, string[]>> {
  const outcomes = await postieJson(
    ["--resolver", resolver, "--https-port", String(httpsPort), "--timeout", timeout, ...domains],
    env,
  );
  return Object.fromEntries(outcomes.map((o) => [
    o.input,
    o.mtaStsPolicy!.findings.map((f) => `${f.severity} ${f.code}`),
  ]));
}

/** The parts of an NDJSON line these tests read. */
interface Outcome {
  input: string;
  diagnosis: { mtaSts: { id?: string } };
  mtaStsPolicy?: { findings: { severity: string; code: string }[] };
}

/** `postie mx --json ARGS…`: one outcome per line. */
async function postieJson(args: string[], env: Record<string, string>): Promise<Outcome[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "mx", "--json", ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  return stdout.trim().split("\n").map((line) => JSON.parse(line));
}

peerTest(
  "postie mx fetches the MTA-STS policy over HTTPS and judges it against the MX",
  ["dnsmasq", "openssl"],
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "postie-mta-sts-" });
    const { ca, cert, key } = await createCertificates(dir);
    const [dns, server] = [await startDnsmasq(zone()), servePolicies(cert, key)];
    const resolver = `127.0.0.1:${dns.port}`, port = server.addr.port;
    try {
      await t.step(
        "with the CA trusted: each policy judged, each failed fetch an error",
        async () => {
          assertEquals(await mtaStsCodes(resolver, port, DOMAINS, { DENO_CERT: ca }), {
            "enforce.test": ["ok mta-sts-policy"],
            "nomatch.test": ["error mta-sts-mx-unmatched"],
            "wild.test": ["ok mta-sts-policy"],
            "none.test": ["warning mta-sts-mode-none"],
            "testing.test": ["warning mta-sts-mx-unmatched", "warning mta-sts-mode-testing"],
            "notfound.test": ["error mta-sts-policy-status"],
            "moved.test": ["error mta-sts-policy-status"],
            "html.test": ["error mta-sts-policy-type"],
            "big.test": ["error mta-sts-policy-fetch"],
            "nohost.test": ["error mta-sts-policy-host"],
            "wrongname.test": ["error mta-sts-policy-fetch"],
          });
        },
      );

      await t.step(
        "an untrusted certificate makes the policy invalid (RFC 8461 §3.3)",
        async () => {
          assertEquals(await mtaStsCodes(resolver, port, ["enforce.test"], {}), {
            "enforce.test": ["error mta-sts-policy-fetch"],
          });
        },
      );

      await t.step("--no-mta-sts-fetch: the TXT record judged, no policy fetched", async () => {
        const args = ["--resolver", resolver, "--https-port", String(port), "--no-mta-sts-fetch"];
        const [outcome] = await postieJson([...args, "enforce.test"], { DENO_CERT: ca });
        assertEquals([outcome.mtaStsPolicy, outcome.diagnosis.mtaSts.id], [undefined, "20260101"]);
      });

      await t.step("a server that never answers: an error once --timeout is up", async () => {
        const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const held: Deno.Conn[] = [];
        const accepting = (async () => {
          for await (const conn of silent) held.push(conn);
        })();
        try {
          const codes = await mtaStsCodes(resolver, silent.addr.port, ["enforce.test"], {}, "1s");
          assertEquals(codes, { "enforce.test": ["error mta-sts-policy-fetch"] });
        } finally {
          silent.close();
          for (const conn of held) conn.close();
          await accepting;
        }
      });

      await t.step(
        "the report shows the policy, where it came from, and its findings",
        async () => {
          const output = await new Deno.Command(Deno.execPath(), {
            args: [
              ...["run", "-A", MAIN, "mx", "--check", "--resolver", resolver, "--port", "1"],
              ...["--https-port", String(port), "--timeout", "3s", "wild.test"],
            ],
            env: { NO_COLOR: "1", DENO_CERT: ca },
            stdin: "null",
          }).output();
          const lines = new TextDecoder().decode(output.stdout).split("\n");
          const at = lines.findIndex((l) => l.startsWith("  policy "));
          assertEquals(lines.slice(at, at + 3), [
            `  policy   https://mta-sts.wild.test/.well-known/mta-sts.txt (127.0.0.1:${port})`,
            "             mode enforce; mx *.wild.test; max_age 604800 s",
            "             ok      mta-sts policy enforce: every MX matches (max_age 604800 s)",
          ]);
        },
      );
    } finally {
      await server.shutdown();
      await dns.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
