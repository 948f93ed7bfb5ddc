import { formatDate } from "../../message/date.ts";

/** What a Received header field records about one hop (RFC 5321 §4.4). */
export interface ReceivedInfo {
  /** The HELO/EHLO argument. */
  helo?: string;
  /** The client's name by reverse DNS, when known. */
  clientName?: string;
  /** The client's IP address, as the socket reports it. */
  clientAddress: string;
  /** This server's name. */
  hostname: string;
  /** The client greeted with EHLO. */
  esmtp: boolean;
  /** The message came over TLS (RFC 3207). */
  tls: boolean;
  /** The client was authenticated (RFC 4954). */
  authenticated: boolean;
  /** The transaction used SMTPUTF8 (RFC 6531). */
  smtputf8: boolean;
  /** The queue id, recorded as the `id` clause. */
  queueId: string;
  /** The recipient, only when the message has exactly one (more would leak Bcc recipients). */
  recipient?: string;
  /** When the message was received. */
  date: Date;
}

/**
 * The `with` protocol name: SMTP or ESMTP, with S for TLS and A for AUTH (RFC 3848), or the
 * UTF8SMTP forms when SMTPUTF8 was used (RFC 6531 §3.7.3).
 */
export function withProtocol(
  info: Pick<ReceivedInfo, "esmtp" | "tls" | "authenticated" | "smtputf8">,
): string {
  // HELO clients can use neither STARTTLS nor AUTH, so plain SMTP takes no suffix.
  if (!info.esmtp) return "SMTP";
  const base = info.smtputf8 ? "UTF8SMTP" : "ESMTP";
  return base + (info.tls ? "S" : "") + (info.authenticated ? "A" : "");
}

/**
 * Formats the Received header field that a server prepends, folded and CRLF-terminated:
 *
 * ```
 * Received: from client.example (localhost [127.0.0.1])
 * 	by mx.example (postie) with ESMTP id MIDQ8ZK40000
 * 	for <b@example.test>; Tue, 24 Nov 2026 03:22:55 +0000
 * ```
 */
export function formatReceived(info: ReceivedInfo): string {
  // RFC 5321 §4.1.3: an IPv6 address literal is written [IPv6:...].
  const literal = info.clientAddress.includes(":")
    ? `[IPv6:${info.clientAddress}]`
    : `[${info.clientAddress}]`;
  const from = `from ${info.helo ?? literal} (${info.clientName ?? "unknown"} ${literal})`;
  const by = `by ${info.hostname} (postie) with ${withProtocol(info)} id ${info.queueId}`;
  const forClause = info.recipient === undefined ? "" : `for <${info.recipient}>`;
  const tail = forClause ? `\r\n\t${forClause}; ` : `;\r\n\t`;
  return `Received: ${from}\r\n\t${by}${tail}${formatDate(info.date)}\r\n`;
}
