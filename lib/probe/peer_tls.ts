/**
 * What a TLS handshake with a mail server showed: protocol, cipher, and the server's
 * certificate judged for its name, its dates and its chain.
 *
 * @module
 */

import { checkServerIdentity, type PeerCertificate, type TLSSocket } from "node:tls";

const DAY_MS = 86_400_000;

/** The negotiated session and the peer certificate, from {@linkcode describePeerTls}. */
export interface PeerTls {
  /** E.g. `TLSv1.3`. */
  protocol: string;
  /** OpenSSL name of the cipher suite, e.g. `TLS_AES_256_GCM_SHA384`. */
  cipher: string;
  /** The certificate's subject, e.g. `CN=mx.example.com`. */
  subject: string;
  /** The certificate's issuer, e.g. `CN=Example CA`. */
  issuer: string;
  /** subjectAltName entries without their type, e.g. `["mx.example.com", "127.0.0.1"]`. */
  altNames: string[];
  /** ISO dates of notBefore and notAfter. */
  validFrom: string;
  /** ISO date of notAfter. */
  validTo: string;
  /** Whole days until notAfter; negative once expired. */
  daysToExpiry: number;
  /** The name checked against the certificate (the MX name). */
  name: string;
  /** True when the certificate is valid for `name` (RFC 6125 §6 via node's checkServerIdentity). */
  nameMatches: boolean;
  /** True when the chain validates against Deno's root store (see `DENO_TLS_CA_STORE`). */
  chainValid: boolean;
  /** OpenSSL's reason when it does not, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  chainError?: string;
  /** The certificate is its own issuer. */
  selfSigned: boolean;
}

/**
 * Describes a finished handshake made with `rejectUnauthorized: false`, so that a bad
 * certificate is reported rather than refused.
 *
 * @example
 * ```ts
 * import tls from "node:tls";
 * const socket = tls.connect({ host: "127.0.0.1", port: 465, rejectUnauthorized: false });
 * socket.once("secureConnect", () => {
 *   const peer = describePeerTls(socket, "mx.example.com");
 *   console.log(peer.protocol, peer.nameMatches, peer.daysToExpiry);
 * });
 * ```
 */
export function describePeerTls(socket: TLSSocket, name: string, now = new Date()): PeerTls {
  const cert = socket.getPeerCertificate();
  const validTo = new Date(cert.valid_to);
  const chainError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  return {
    protocol: socket.getProtocol() ?? "unknown",
    cipher: socket.getCipher()?.name ?? "unknown",
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    altNames: altNames(cert),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysToExpiry: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    name,
    nameMatches: checkServerIdentity(name, cert) === undefined,
    chainValid: socket.authorized,
    ...(chainError && { chainError }),
    selfSigned: chainError === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
      distinguishedName(cert.subject) === distinguishedName(cert.issuer),
  };
}

function distinguishedName(name: PeerCertificate["subject"] | undefined): string {
  return Object.entries(name ?? {}).map(([key, value]) => `${key}=${value}`).join(", ");
}

/** `DNS:a, IP Address:1.2.3.4` as node gives it, to `["a", "1.2.3.4"]`. */
function altNames(cert: PeerCertificate): string[] {
  const text = cert.subjectaltname ?? "";
  return text === "" ? [] : text.split(", ").map((entry) => entry.replace(/^[^:]*:/, ""));
}
