/**
 * aiosmtpd, the Python SMTP server, as a second independent server: the stock sink, or
 * `aiosmtpd_server.py` with STARTTLS or implicit TLS, AUTH (PLAIN, LOGIN; CRAM-MD5 and XOAUTH2
 * with `extraAuth`), LMTP, and saved messages.
 *
 * @module
 */

import { PeerMissingError, peerPath } from "./catalog.ts";
import { type ListeningPeer, startListening } from "./process.ts";

const SERVER_SCRIPT = new URL("./aiosmtpd_server.py", import.meta.url).pathname;

/** A user name and password for SMTP AUTH. */
export interface Credentials {
  /** The authentication identity (RFC 4616 authcid). */
  user: string;
  /** Its password. */
  password: string;
}

/** The fixed credentials tests give {@linkcode startAiosmtpd} and its clients. */
export const TEST_CREDENTIALS: Readonly<Credentials> = { user: "tester", password: "t3st-p4ss" };

/** Options of {@linkcode startAiosmtpd}; with none, the stock `aiosmtpd.handlers.Sink` runs. */
export interface AiosmtpdOptions {
  /** Save every accepted message here as `NNNNNN.eml` + `NNNNNN.json`. */
  saveDir?: string;
  /** fsync each saved file (for benchmarks against a durable peer). */
  fsync?: boolean;
  /** Offer STARTTLS with this PEM certificate and key. */
  tls?: { certFile: string; keyFile: string };
  /** Refuse mail before STARTTLS. */
  requireStartTls?: boolean;
  /** Offer AUTH PLAIN and LOGIN for exactly these credentials (after STARTTLS if `tls`). */
  auth?: Credentials;
  /** Refuse mail before AUTH. */
  authRequired?: boolean;
  /** With `auth`: offer CRAM-MD5 and XOAUTH2 (the password as the token) as well. */
  extraAuth?: boolean;
  /** TLS from the start with `tls`'s certificate (implicit TLS, RFC 8314), no STARTTLS. */
  implicitTls?: boolean;
  /** Speak LMTP (RFC 2033): LHLO instead of EHLO/HELO. */
  lmtp?: boolean;
}

/**
 * Starts aiosmtpd on a free loopback port with the system Python.
 *
 * @example
 * ```ts
 * const dir = await Deno.makeTempDir();
 * const server = await startAiosmtpd({ saveDir: dir, auth: TEST_CREDENTIALS });
 * // ... send to 127.0.0.1:server.port, then readSavedMessages(dir) ...
 * await server.stop();
 * ```
 */
export function startAiosmtpd(opts: AiosmtpdOptions = {}): Promise<ListeningPeer> {
  const python = peerPath("aiosmtpd");
  if (!python) throw new PeerMissingError("aiosmtpd");
  const flags = scriptFlags(opts);
  return startListening((port) =>
    flags.length === 0
      ? [python, "-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "aiosmtpd.handlers.Sink"]
      : [python, SERVER_SCRIPT, "--listen", `127.0.0.1:${port}`, ...flags]
  );
}

function scriptFlags(opts: AiosmtpdOptions): string[] {
  const flags: string[] = [];
  if (opts.saveDir !== undefined) flags.push("--save-dir", opts.saveDir);
  if (opts.fsync) flags.push("--fsync");
  if (opts.tls) flags.push("--tls-cert", opts.tls.certFile, "--tls-key", opts.tls.keyFile);
  if (opts.requireStartTls) flags.push("--require-starttls");
  if (opts.auth) flags.push("--auth-user", opts.auth.user, "--auth-password", opts.auth.password);
  if (opts.authRequired) flags.push("--auth-required");
  if (opts.extraAuth) flags.push("--extra-auth");
  if (opts.implicitTls) flags.push("--implicit-tls");
  if (opts.lmtp) flags.push("--lmtp");
  return flags;
}

/** One message `aiosmtpd_server.py` accepted, with its envelope. */
export interface SavedMessage {
  /** The reverse-path given in MAIL FROM ("" for the null path). */
  mailFrom: string;
  /** The forward-paths given in RCPT TO, in order. */
  rcptTos: string[];
  /** ESMTP parameters of MAIL FROM (e.g. `SMTPUTF8`, `BODY=8BITMIME`). */
  mailOptions: string[];
  /** ESMTP parameters of the RCPT TO commands. */
  rcptOptions: string[];
  /** True when MAIL FROM carried SMTPUTF8. */
  smtpUtf8: boolean;
  /** The EHLO/HELO name. */
  heloName: string;
  /** True when the message came over STARTTLS. */
  tls: boolean;
  /** The AUTH user, or null without AUTH. */
  authLogin: string | null;
  /** The message content as received after DATA, dot-unstuffed, CRLF line endings kept. */
  content: Uint8Array;
}

/** The messages saved in `dir` by `aiosmtpd_server.py`, oldest first. */
export async function readSavedMessages(dir: string): Promise<SavedMessage[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".eml")) names.push(entry.name.slice(0, -".eml".length));
  }
  names.sort();
  return await Promise.all(names.map(async (name) => ({
    ...JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`)),
    content: await Deno.readFile(`${dir}/${name}.eml`),
  })));
}
