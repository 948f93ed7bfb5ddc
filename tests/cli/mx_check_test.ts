import { deepEqual as assertEquals, match as assertMatch, ok as assert } from "node:assert/strict";
import { peerPath, peerTest, startPostfix } from "../peers.ts";
import { startZone } from "../dns/zone.ts";
import { startServe } from "../e2e/serve_process.ts";
import { runPostie } from "./run_postie.ts";

// check.test, expired.test and plain.test route to mx.check.test (127.0.0.1, whose PTR it is);
// wrong.test routes to mx.wrong.test, the same address under a name the certificate lacks;
// silent.test to 127.0.0.2, whose PTR does not point back; refused.test to 127.0.0.3, no PTR.
const ZONE = [
  "--mx-host=silent.test,mx.silent.test,10",
  "--address=/mx.silent.test/127.0.0.2",
  "--ptr-record=2.0.0.127.in-addr.arpa,liar.check.test",
  "--mx-host=refused.test,mx.refused.test,10",
  "--address=/mx.refused.test/127.0.0.3",
  "--local=/0.0.127.in-addr.arpa/",
  "--mx-host=check.test,mx.check.test,10",
  "--mx-host=expired.test,mx.check.test,10",
  "--mx-host=plain.test,mx.check.test,10",
  "--host-record=mx.check.test,127.0.0.1",
  "--mx-host=wrong.test,mx.wrong.test,10",
  "--address=/mx.wrong.test/127.0.0.1",
];

function postie(args: string[], env: Record<string, string> = {}) {
  return runPostie(["mx", ...args], { env });
}

/** `postie mx --check --json`: the exit code, the outcome, and its findings' codes. */
async function check(
  resolver: string,
  domain: string,
  port: number,
  extra: string[] = [],
  env: Record<string, string> = {},
) {
  const { code, stdout, stderr } = await postie(
    ["--check", "--resolver", resolver, "--port", String(port), "--json", ...extra, domain],
    env,
  );
  assertEquals(code, 0, stderr);
  const outcome = JSON.parse(stdout);
  const codes = outcome.checks.flatMap((c: { findings: { code: string }[] }) =>
    c.findings.map((f) => f.code)
  );
  return { outcome, codes, check: outcome.checks[0] };
}

async function openssl(args: string[]): Promise<void> {
  const out = await new Deno.Command(peerPath("openssl")!, { args, stdin: "null" }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

type Pem = { certFile: string; keyFile: string };

/** A CA certificate valid for three days, for `DENO_CERT`. */
async function createCa(dir: string): Promise<Pem> {
  const keyFile = `${dir}/ca.key`, certFile = `${dir}/ca.pem`;
  await openssl([
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-keyout", keyFile, "-out", certFile, "-days", "3", "-subj", "/CN=postie test CA"],
    ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign"],
  ]);
  return { certFile, keyFile };
}

/**
 * A certificate for `name` made by `openssl ca`, which (unlike `req -x509`) takes any
 * notBefore/notAfter: `dates` are `-days N` or `-startdate S -enddate E`. Signed by `ca`,
 * else self-signed.
 */
async function issueCertificate(dir: string, name: string, dates: string[], ca?: Pem) {
  await Deno.mkdir(`${dir}/db`, { recursive: true });
  await Deno.writeTextFile(`${dir}/db/index.txt`, "");
  await Deno.writeTextFile(`${dir}/db/serial`, "01\n");
  await Deno.writeTextFile(
    `${dir}/ca.cnf`,
    `[ca]\ndefault_ca = test\n[test]\ndatabase = ${dir}/db/index.txt\nnew_certs_dir = ${dir}/db\n` +
      `serial = ${dir}/db/serial\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\n` +
      `unique_subject = no\n[any]\ncommonName = supplied\n`,
  );
  const keyFile = `${dir}/key.pem`, certFile = `${dir}/cert.pem`;
  await openssl([
    ...["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-keyout", keyFile, "-out", `${dir}/req.csr`, "-subj", `/CN=${name}`],
    ...["-addext", `subjectAltName=DNS:${name}`, "-addext", "extendedKeyUsage=serverAuth"],
  ]);
  const signer = ca
    ? ["-cert", ca.certFile, "-keyfile", ca.keyFile]
    : ["-selfsign", "-keyfile", keyFile];
  await openssl([
    ...["ca", "-batch", "-config", `${dir}/ca.cnf`, ...signer],
    ...["-in", `${dir}/req.csr`, "-out", certFile, "-notext", ...dates],
  ]);
  return { certFile, keyFile };
}

async function startTlsPostfix(dir: string, dates: string[], ca?: Pem) {
  await Deno.mkdir(dir);
  const cert = await issueCertificate(dir, "mx.check.test", dates, ca);
  return await startPostfix({
    settings: {
      smtpd_tls_cert_file: cert.certFile,
      smtpd_tls_key_file: cert.keyFile,
      smtpd_tls_security_level: "may",
    },
  });
}

peerTest(
  "postie mx --check against Postfix with STARTTLS and postie serve without",
  ["dnsmasq", "dig", "openssl", "postfix"],
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "postie-mx-check-" });
    await Deno.chmod(dir, 0o755); // Postfix's daemons read the certificates
    const ca = await createCa(dir);
    const [dns, valid, expired, trusted, serve] = await Promise.all([
      startZone(ZONE),
      startTlsPostfix(`${dir}/valid`, ["-days", "30"]),
      startTlsPostfix(`${dir}/expired`, [
        "-startdate",
        "20200101000000Z",
        "-enddate",
        "20200201000000Z",
      ]),
      startTlsPostfix(`${dir}/trusted`, ["-days", "30"], ca),
      startServe(),
    ]);
    const resolver = `127.0.0.1:${dns.port}`;
    try {
      await t.step(
        "a valid certificate for the MX name: TLS reported, chain self-signed",
        async () => {
          const { outcome, codes, check: c } = await check(resolver, "check.test", valid.port);
          assertEquals(codes, ["smtp-ok", "tls-untrusted", "ptr-confirmed"]);
          assertEquals(outcome.verdict, "warning");
          assertEquals([c.exchange, c.address, c.probe.port], [
            "mx.check.test",
            "127.0.0.1",
            valid.port,
          ]);
          assertEquals(c.probe.banner.code, 220);
          assert(c.probe.capabilities.includes("STARTTLS"));
          assertEquals(c.probe.starttls, "ok");
          assertMatch(c.probe.tls.protocol, /^TLSv1\.[23]$/);
          assert(c.probe.tls.cipher.length > 0);
          assertEquals(c.probe.tls.subject, "CN=mx.check.test");
          assertEquals(c.probe.tls.altNames, ["mx.check.test"]);
          assertEquals([c.probe.tls.nameMatches, c.probe.tls.chainValid], [true, false]);
          assertEquals(c.probe.tls.chainError, "DEPTH_ZERO_SELF_SIGNED_CERT");
          assert(c.probe.tls.daysToExpiry >= 29 && c.probe.tls.daysToExpiry <= 30);
          for (const step of ["connectMs", "bannerMs", "ehloMs", "tlsMs"]) {
            assert(c.probe.timings[step] >= 0, step);
          }
          // dig is the referee for the PTR
          assertEquals(c.reverse.names.map((n: string) => `${n}.`), await digReverse(dns.port));
          assertEquals(c.reverse.confirmed, ["mx.check.test"]);
        },
      );
      await t.step("the text report lists the check under the findings", async () => {
        const { code, stdout, stderr } = await postie(
          ["--check", "--resolver", resolver, "--port", String(valid.port), "check.test"],
        );
        assertEquals(code, 0, stderr);
        assertEquals(stdout.split("\n")[0], "check.test: warning (0 errors, 3 warnings)");
        assertMatch(
          stdout,
          new RegExp(`^  check +10  mx\\.check\\.test 127\\.0\\.0\\.1:${valid.port}$`, "m"),
        );
        assertMatch(stdout, /^ +banner +220 mx\.postie\.test ESMTP Postfix$/m);
        assertMatch(stdout, /^ +STARTTLS ok$/m);
        assertMatch(stdout, /^ +TLS +TLSv1\.[23], \S+$/m);
        assertMatch(stdout, /^ +chain +DEPTH_ZERO_SELF_SIGNED_CERT$/m);
        assertMatch(stdout, /^ +PTR +mx\.check\.test \(confirms forward\)$/m);
        assertMatch(stdout, /^ +warning tls +certificate of mx\.check\.test is self-signed$/m);
      });
      await t.step("a certificate without the MX name is an error", async () => {
        const { outcome, codes, check: c } = await check(resolver, "wrong.test", valid.port);
        assertEquals(codes, ["smtp-ok", "tls-name-mismatch", "tls-untrusted", "ptr-confirmed"]);
        assertEquals([outcome.verdict, c.probe.tls.nameMatches], ["error", false]);
        assertMatch(
          outcome.checks[0].findings[1].reason,
          /certificate is for mx\.check\.test, not mx\.wrong\.test/,
        );
      });
      await t.step("an expired certificate is an error", async () => {
        const { outcome, codes, check: c } = await check(resolver, "expired.test", expired.port);
        assertEquals(codes, ["smtp-ok", "tls-expired", "tls-untrusted", "ptr-confirmed"]);
        assertEquals(outcome.verdict, "error");
        assertEquals(c.probe.tls.validTo, "2020-02-01T00:00:00.000Z");
        assert(c.probe.tls.daysToExpiry < -2000);
      });
      await t.step("a chain to a trusted CA (DENO_CERT) with the MX name: all ok", async () => {
        const env = { DENO_CERT: ca.certFile };
        const { codes, check: c } = await check(resolver, "check.test", trusted.port, [], env);
        assertEquals(codes, ["smtp-ok", "tls-ok", "ptr-confirmed"]);
        assertEquals([c.probe.tls.chainValid, c.probe.tls.selfSigned], [true, false]);
        assertEquals(c.probe.tls.issuer, "CN=postie test CA");
        // The same server without the CA trusted: the chain does not validate
        const untrusted = await check(resolver, "check.test", trusted.port);
        assertEquals(untrusted.codes, ["smtp-ok", "tls-untrusted", "ptr-confirmed"]);
        assertEquals(untrusted.check.probe.tls.chainError, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      });
      await t.step(
        "--file: one line per domain; its worst finding may come from --check",
        async () => {
          const file = `${dir}/domains.txt`;
          await Deno.writeTextFile(file, "wrong.test\ncheck.test\n");
          const { code, stdout } = await postie(
            ["--check", "--resolver", resolver, "--port", String(valid.port), "--file", file],
          );
          assertEquals(code, 0);
          assertEquals(stdout.trim().split("\n").sort(), [
            "error   wrong.test: 1 MX host (TTL 0 s): mx.wrong.test; certificate is for mx.check.test, not mx.wrong.test",
            "warning check.test: 1 MX host (TTL 0 s): mx.check.test; check.test has no SPF record: receivers cannot tell forged senders",
          ]);
        },
      );
      await t.step("postie serve offers no STARTTLS: a warning", async () => {
        const { outcome, codes, check: c } = await check(resolver, "plain.test", serve.port);
        assertEquals(codes, ["smtp-no-starttls", "ptr-confirmed"]);
        assertEquals([outcome.verdict, c.probe.starttls, c.probe.tls], [
          "warning",
          "not-offered",
          undefined,
        ]);
        assert(c.probe.capabilities.length > 0 && !c.probe.capabilities.includes("STARTTLS"));
      });
    } finally {
      await Promise.all([dns.stop(), valid.stop(), expired.stop(), trusted.stop(), serve.stop()]);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

async function digReverse(port: number): Promise<string[]> {
  const args = ["@127.0.0.1", "-p", String(port), "-x", "127.0.0.1", "+short", "+tries=1"];
  const output = await new Deno.Command(peerPath("dig")!, { args, stdin: "null" }).output();
  return new TextDecoder().decode(output.stdout).split("\n").filter((line) => line !== "");
}

peerTest(
  "postie mx --check: refused, silent and scripted servers; PTR judged",
  ["dnsmasq"],
  async (t) => {
    const dns = await startZone(ZONE);
    const resolver = `127.0.0.1:${dns.port}`;
    const silent = Deno.listen({ hostname: "127.0.0.2", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of silent) held.push(conn);
    })();
    try {
      await t.step("silent: no banner within 400 ms", async () => {
        const port = (silent.addr as Deno.NetAddr).port;
        const started = performance.now();
        const { codes, check: c } = await check(resolver, "silent.test", port, [
          "--timeout",
          "400ms",
        ]);
        assertEquals(codes, ["smtp-banner-failed", "ptr-not-confirmed"]);
        assertEquals(c.reverse.names, ["liar.check.test"]);
        assertEquals(c.probe.failure, { stage: "banner", reason: "no answer within 400 ms" });
        assert(performance.now() - started < 5000);
      });
      await t.step("a 554 banner stops the probe: an error quoting it", async () => {
        const server = scriptedServer("554 5.7.1 no service here", () => "");
        try {
          const { codes, check: c } = await check(resolver, "silent.test", server.port);
          assertEquals(codes, ["smtp-banner-failed", "ptr-not-confirmed"]);
          assertEquals(c.probe.failure.reason, "the server greeted with 554 5.7.1 no service here");
        } finally {
          await server.close();
        }
      });
      await t.step("STARTTLS offered, then refused: an error quoting the reply", async () => {
        const server = scriptedServer(
          "220 fake ESMTP",
          (command) =>
            command.startsWith("EHLO")
              ? "250-fake\r\n250-PIPELINING\r\n250 STARTTLS"
              : command === "STARTTLS"
              ? "454 4.7.0 TLS not available"
              : "221 bye",
        );
        try {
          const { codes, check: c } = await check(resolver, "silent.test", server.port);
          assertEquals(codes, ["smtp-starttls-refused", "ptr-not-confirmed"]);
          assertEquals([c.probe.starttls, c.probe.capabilities], ["refused", [
            "PIPELINING",
            "STARTTLS",
          ]]);
          assertMatch(
            c.findings[0].reason,
            /offers STARTTLS but answered 454 4\.7\.0 TLS not available$/,
          );
        } finally {
          await server.close();
        }
      });
      await t.step("refused: the connect step fails", async () => {
        const closed = Deno.listen({ hostname: "127.0.0.3", port: 0 });
        const port = (closed.addr as Deno.NetAddr).port;
        closed.close();
        const { codes, check: c } = await check(resolver, "refused.test", port);
        assertEquals(codes, ["smtp-connect-failed", "ptr-missing"]);
        assertEquals(c.reverse.status, "nxdomain");
        assertMatch(c.probe.failure.reason, /ECONNREFUSED/);
      });
    } finally {
      silent.close();
      await accepting.catch(() => {});
      for (const conn of held) conn.close();
      await dns.stop();
    }
  },
);

/** A fake SMTP server on 127.0.0.2: `banner`, then `answer(command)` to each command line. */
function scriptedServer(banner: string, answer: (command: string) => string) {
  const listener = Deno.listen({ hostname: "127.0.0.2", port: 0 });
  const conns: Deno.Conn[] = [];
  const serve = async (conn: Deno.Conn) => {
    const send = (text: string) => conn.write(new TextEncoder().encode(`${text}\r\n`));
    await send(banner);
    const lines = conn.readable.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter());
    for await (const line of lines) {
      const reply = answer(line);
      if (reply) await send(reply);
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      serve(conn).catch(() => {});
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async close() {
      listener.close();
      await accepting.catch(() => {});
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed by the client.
        }
      }
    },
  };
}

function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const lines = (rest + chunk).split("\r\n");
      rest = lines.pop()!;
      for (const line of lines) controller.enqueue(line);
    },
  });
}
