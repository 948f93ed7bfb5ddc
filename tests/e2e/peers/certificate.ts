/**
 * Self-signed test certificates made with openssl, for STARTTLS peers and servers.
 *
 * @module
 */

import { PeerMissingError, peerPath } from "./catalog.ts";
import { PeerStartError } from "./process.ts";

/** A PEM certificate and its unencrypted private key, as files and as text. */
export interface TestCertificate {
  /** Path of the PEM certificate. */
  certFile: string;
  /** Path of the PEM private key. */
  keyFile: string;
  /** The certificate, PEM. */
  certPem: string;
  /** The private key, PEM. */
  keyPem: string;
}

/**
 * Writes a fresh self-signed P-256 certificate for `localhost` and 127.0.0.1, valid two
 * days, as `cert.pem` and `key.pem` in `dir`.
 *
 * @example
 * ```ts
 * const cert = await createTestCertificate(await Deno.makeTempDir());
 * const server = await startAiosmtpd({ tls: cert });
 * ```
 */
export async function createTestCertificate(dir: string): Promise<TestCertificate> {
  const openssl = peerPath("openssl");
  if (!openssl) throw new PeerMissingError("openssl");
  const certFile = `${dir}/cert.pem`, keyFile = `${dir}/key.pem`;
  const { success, stderr } = await new Deno.Command(openssl, {
    args: [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
      ...["-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
    ],
    stdin: "null",
  }).output();
  if (!success) throw new PeerStartError(`openssl req: ${new TextDecoder().decode(stderr)}`, true);
  return {
    certFile,
    keyFile,
    certPem: await Deno.readTextFile(certFile),
    keyPem: await Deno.readTextFile(keyFile),
  };
}
