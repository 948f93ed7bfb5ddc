/**
 * `postie send` with TLS and AUTH against real servers: aiosmtpd with STARTTLS or implicit
 * TLS and AUTH (PLAIN, LOGIN, CRAM-MD5, XOAUTH2), certificates good and bad; a private
 * Postfix with STARTTLS and CHUNKING (BDAT); postie serve, which offers no STARTTLS.
 */

import { deepEqual, equal, match, ok } from "node:assert/strict";
import { peerPath } from "./peers/catalog.ts";
import {
  type AiosmtpdOptions,
  peerTest,
  readSavedMessages,
  startAiosmtpd,
  startDnsmasq,
  startPostfix,
  TEST_CREDENTIALS,
} from "../peers.ts";
import { withServe } from "./delivered.ts";
import { POSTIE_MAIN, runPostie } from "../cli/run_postie.ts";

const decoder = new TextDecoder();
const ENVELOPE = ["--from", "a@x.test", "--to", "b@postie.test", "--body", "hello over TLS"];

function postieSend(args: string[], env: Record<string, string> = {}) {
  return runPostie(["send", "--helo", "client.test", "--timeout", "10s", ...args], { env });
}

/** Certificates for the tests: a CA, a leaf it signed for `names`, and a self-signed leaf. */
interface Certificates {
  caFile: string;
  leaf: { certFile: string; keyFile: string };
  selfSigned: { certFile: string; keyFile: string };
}

async function openssl(args: string[]): Promise<void> {
  const { success, stderr } = await new Deno.Command(peerPath("openssl")!, { args, stdin: "null" })
    .output();
  if (!success) throw new Error(`openssl ${args[0]}: ${decoder.decode(stderr)}`);
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Writes the certificates in `dir`; the leaves name `names` (e.g. `DNS:localhost`). */
async function createCertificates(dir: string, names: string): Promise<Certificates> {
  const leafExtensions = `subjectAltName=${names}\nbasicConstraints=critical,CA:FALSE\n`;
  await Deno.writeTextFile(`${dir}/leaf.ext`, leafExtensions);
  await openssl(["req", "-x509", ...EC, "-keyout", `${dir}/ca.key`, "-out", `${dir}/ca.pem`]
    .concat(["-days", "2", "-subj", "/CN=postie test CA"]));
  await openssl(["req", ...EC, "-keyout", `${dir}/leaf.key`, "-out", `${dir}/leaf.csr`]
    .concat(["-subj", "/CN=leaf"]));
  await openssl(
    ["x509", "-req", "-in", `${dir}/leaf.csr`, "-CA", `${dir}/ca.pem`, "-CAkey"]
      .concat([`${dir}/ca.key`, "-CAcreateserial", "-days", "2", "-out", `${dir}/leaf.pem`])
      .concat(["-extfile", `${dir}/leaf.ext`]),
  );
  await openssl(
    ["req", "-x509", ...EC, "-keyout", `${dir}/self.key`, "-out", `${dir}/self.pem`]
      .concat(["-days", "2", "-subj", "/CN=self", "-addext", `subjectAltName=${names}`])
      .concat(["-addext", "basicConstraints=critical,CA:FALSE"]),
  );
  return {
    caFile: `${dir}/ca.pem`,
    leaf: { certFile: `${dir}/leaf.pem`, keyFile: `${dir}/leaf.key` },
    selfSigned: { certFile: `${dir}/self.pem`, keyFile: `${dir}/self.key` },
  };
}

/** Runs `fn` with fresh certificates for 127.0.0.1 and localhost, and a save directory. */
async function withCertificates(
  fn: (certs: Certificates, dir: string) => Promise<void>,
  names = "DNS:localhost,IP:127.0.0.1",
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(await createCertificates(dir, names), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withAiosmtpd(
  options: AiosmtpdOptions,
  fn: (server: string) => Promise<void>,
): Promise<void> {
  const server = await startAiosmtpd(options);
  try {
    await fn(`127.0.0.1:${server.port}`);
  } finally {
    await server.stop();
  }
}

const AUTH = { auth: TEST_CREDENTIALS, extraAuth: true };
const USER = ["--auth-user", TEST_CREDENTIALS.user];
const PASSWORD = { POSTIE_PASSWORD: TEST_CREDENTIALS.password };

peerTest("STARTTLS verified by --ca, then AUTH: saved with TLS and login; secret masked", [
  "aiosmtpd",
  "openssl",
], async () => {
  await withCertificates(async (certs, dir) => {
    await withAiosmtpd({ tls: certs.leaf, saveDir: dir, ...AUTH }, async (server) => {
      const args = ["--server", server, ...ENVELOPE, "--starttls", "--ca", certs.caFile];
      const result = await postieSend([...args, ...USER, "--auth", "PLAIN", "-v", "--json"], {
        ...PASSWORD,
      });
      equal(result.code, 0, result.stderr);
      const json = JSON.parse(result.stdout);
      deepEqual([json.tls.verified, json.tls.version, json.auth.mechanism], [
        true,
        "TLSv1.3",
        "PLAIN",
      ]);
      equal(json.auth.reply.code, 235);
      match(result.stderr, /^ -> STARTTLS$/m);
      match(result.stderr, /^=== TLS started: TLSv1\.3 \S+, certificate verified$/m);
      match(result.stderr, /^ ~> AUTH PLAIN \*{8}$/m);
      match(result.stderr, /^<~ {2}235 /m);
      ok(!result.stderr.includes(btoa(`\0tester\0${TEST_CREDENTIALS.password}`)));
      const [saved] = await readSavedMessages(dir);
      deepEqual([saved.tls, saved.authLogin], [true, "tester"]);
    });
  });
});

peerTest("AUTH LOGIN, CRAM-MD5 and XOAUTH2 log in; a wrong password exits 69", [
  "aiosmtpd",
  "openssl",
], async () => {
  await withCertificates(async (certs) => {
    await withAiosmtpd({ tls: certs.leaf, ...AUTH }, async (server) => {
      const base = ["--server", server, ...ENVELOPE, "--starttls", "--ca", certs.caFile, ...USER];
      for (const mechanism of ["LOGIN", "CRAM-MD5", "XOAUTH2"]) {
        const result = await postieSend([...base, "--auth", mechanism, "--json"], PASSWORD);
        equal(result.code, 0, `${mechanism}: ${result.stderr}`);
        equal(JSON.parse(result.stdout).auth.mechanism, mechanism);
      }
      const best = await postieSend([...base, "--json"], PASSWORD);
      equal(JSON.parse(best.stdout).auth.mechanism, "CRAM-MD5", "the best offered");
      const wrong = await postieSend([...base, "--auth-password", "nope", "--show-secrets", "-v"]);
      equal(wrong.code, 69);
      match(wrong.stderr, /at auth: authentication failed: 535/);
      ok(!wrong.stdout.includes("********"), "--show-secrets shows the lines as sent");
      const token = await postieSend([...base, "--auth", "XOAUTH2", "--auth-password", "t0k3n"]);
      equal(token.code, 69, "a refused token: 334 with the error, an empty line, then 535");
      match(token.stderr, /at auth: authentication failed: 535/);
    });
  });
});

peerTest("implicit TLS (--tls): verified by --ca; --quit-after auth stops after 235", [
  "aiosmtpd",
  "openssl",
], async () => {
  await withCertificates(async (certs) => {
    await withAiosmtpd({ tls: certs.leaf, implicitTls: true, ...AUTH }, async (server) => {
      const base = ["--server", server, ...ENVELOPE, "--tls", "--ca", certs.caFile];
      const sent = await postieSend([...base, ...USER, "--json"], PASSWORD);
      equal(sent.code, 0, sent.stderr);
      const json = JSON.parse(sent.stdout);
      deepEqual([json.tls.verified, json.starttlsReply, json.finalReply.code], [true, null, 250]);
      const auth = await postieSend([...base, ...USER, "--quit-after", "auth", "-v"], PASSWORD);
      equal(auth.code, 0, auth.stderr);
      match(auth.stdout, /<~ {2}235 [^\n]*\n ~> QUIT/);
      ok(!auth.stdout.includes("MAIL FROM"));
    });
  });
});

peerTest("bad certificates fail with 75; --ca or --insecure let them through", [
  "aiosmtpd",
  "openssl",
], async () => {
  await withCertificates(async (certs) => {
    await withAiosmtpd({ tls: certs.selfSigned }, async (server) => {
      const base = ["--server", server, ...ENVELOPE, "--starttls"];
      const refused = await postieSend(base);
      equal(refused.code, 75);
      match(refused.stderr, /TLS handshake failed: .*certificate/i);
      equal((await postieSend([...base, "--ca", certs.selfSigned.certFile])).code, 0);
      const insecure = await postieSend([...base, "--insecure", "--json"]);
      equal(insecure.code, 0, insecure.stderr);
      equal(JSON.parse(insecure.stdout).tls.verified, false);
    });
  }, "DNS:localhost,IP:127.0.0.1");
  await withCertificates(async (certs) => {
    await withAiosmtpd({ tls: certs.leaf }, async (server) => {
      const base = ["--server", server, ...ENVELOPE, "--starttls", "--ca", certs.caFile];
      const wrongName = await postieSend(base);
      equal(wrongName.code, 75, "the certificate names other.test, not 127.0.0.1");
      match(wrongName.stderr, /TLS handshake failed/);
      equal((await postieSend([...base, "--insecure"])).code, 0);
    });
  }, "DNS:other.test");
});

peerTest("LMTP to aiosmtpd: LHLO, the message saved", ["aiosmtpd"], async () => {
  const dir = await Deno.makeTempDir();
  try {
    await withAiosmtpd({ lmtp: true, saveDir: dir }, async (server) => {
      const result = await postieSend(["--server", server, ...ENVELOPE, "--lmtp", "-v"]);
      equal(result.code, 0, result.stderr);
      match(result.stdout, /^ -> LHLO client\.test$/m);
      equal((await readSavedMessages(dir)).length, 1);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

peerTest("private Postfix: STARTTLS verified, then BDAT (CHUNKING); --no-chunking uses DATA", [
  "postfix",
  "openssl",
], async () => {
  await withCertificates(async (certs) => {
    const mta = await startPostfix({
      settings: {
        smtpd_tls_cert_file: certs.leaf.certFile,
        smtpd_tls_key_file: certs.leaf.keyFile,
        smtpd_tls_security_level: "may",
      },
    });
    try {
      const base = ["--server", `127.0.0.1:${mta.port}`, ...ENVELOPE, "--starttls"];
      const bdat = await postieSend([...base, "--ca", certs.caFile, "-v", "--json"]);
      equal(bdat.code, 0, bdat.stderr);
      const json = JSON.parse(bdat.stdout);
      deepEqual([json.tls.verified, json.capabilities.chunking, json.dataReply], [
        true,
        true,
        null,
      ]);
      match(bdat.stderr, /^ ~> BDAT \d+ LAST$/m);
      ok(json.queueId, "Postfix names its queue id");
      const data = await postieSend([...base, "--ca", certs.caFile, "--no-chunking", "-v"]);
      equal(data.code, 0, data.stderr);
      match(data.stdout, /^ ~> DATA$/m);
    } finally {
      await mta.stop();
    }
  });
});

Deno.test("postie serve offers no STARTTLS: --starttls exits 75, opportunistic goes on", async () => {
  await withServe([], async (serve) => {
    const base = ["--server", `127.0.0.1:${serve.port}`, ...ENVELOPE];
    const required = await postieSend([...base, "--starttls"]);
    equal(required.code, 75);
    match(required.stderr, /at starttls: the server does not offer STARTTLS/);
    const opportunistic = await postieSend([...base, "--starttls=opportunistic", "--json"]);
    equal(opportunistic.code, 0, opportunistic.stderr);
    deepEqual([JSON.parse(opportunistic.stdout).tls, JSON.parse(opportunistic.stdout).exitCode], [
      null,
      0,
    ]);
  });
});

peerTest("by MX: the certificate is checked against the MX host name, sent as SNI", [
  "aiosmtpd",
  "dnsmasq",
  "openssl",
], async () => {
  const dns = await startDnsmasq([
    "--mx-host=one.test,mx.one.test,10",
    "--host-record=mx.one.test,127.0.0.1",
  ]);
  try {
    await withCertificates(async (certs) => {
      const server = await startAiosmtpd({ tls: certs.leaf });
      try {
        const route = ["--port", String(server.port), "--resolver", `127.0.0.1:${dns.port}`];
        const args = [...route, "--from", "a@x.test", "--to", "b@one.test", "--body", "hi"];
        const result = await postieSend([...args, "--starttls", "--ca", certs.caFile, "--json"]);
        equal(result.code, 0, result.stderr);
        const [delivery] = JSON.parse(result.stdout).deliveries;
        deepEqual([delivery.tls.verified, delivery.tls.sni], [true, "mx.one.test"]);
      } finally {
        await server.stop();
      }
    }, "DNS:mx.one.test");
  } finally {
    await dns.stop();
  }
});

peerTest("a password asked on a terminal (script gives one) logs in, never echoed", [
  "aiosmtpd",
  "script",
], async () => {
  await withAiosmtpd({ auth: TEST_CREDENTIALS }, async (server) => {
    const send = [
      Deno.execPath(),
      "run",
      "-A",
      POSTIE_MAIN,
      "send",
      "--server",
      server,
      ...ENVELOPE,
    ];
    const command = [...send, ...USER].map((arg) => `'${arg}'`).join(" ");
    const child = new Deno.Command(peerPath("script")!, {
      args: ["-qec", command, "/dev/null"],
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    let output = "";
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    while (!output.includes("Password for tester: ")) {
      const { done, value } = await reader.read();
      if (done) break;
      output += value;
    }
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`${TEST_CREDENTIALS.password}\r`));
    await writer.close();
    for (let r = await reader.read(); !r.done; r = await reader.read()) output += r.value;
    equal((await child.status).code, 0, output);
    match(output, /accepted: 250/);
    ok(!output.includes(TEST_CREDENTIALS.password), "the password is not echoed");
  });
});
