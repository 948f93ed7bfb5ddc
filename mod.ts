/**
 * postie: an SMTP toolkit for Deno. The library under the `postie` command, layer by layer
 * (see the README and shared design): bytes on the wire, addresses, the server session
 * machine and its listener, the durable spool, and local delivery.
 *
 * @example
 * ```ts
 * import { parsePath, ReplyParser } from "./mod.ts";
 * parsePath("<user@example.com>").mailbox?.domain; // "example.com"
 * new ReplyParser().push("250 2.0.0 Ok")?.code;   // 250
 * ```
 *
 * @module
 */

// lib/wire: line reader, reply and command codecs, dot-stuffing, BDAT chunks.
export * from "./lib/wire/mod.ts";
// lib/address: RFC 5321 paths and RFC 5322 address lists.
export * from "./lib/address/mod.ts";
// lib/message: headers, RFC 2047/2231 decoding, the streaming MIME parser, dates.
export * from "./lib/message/mod.ts";
// lib/dns: a stub resolver with typed outcomes, MX routing, SPF/DMARC/MTA-STS/TLS-RPT audits.
export * from "./lib/dns/mod.ts";
// lib/probe: a live SMTP probe of an MX address (banner, EHLO, STARTTLS, certificate, FCrDNS).
export * from "./lib/probe/mod.ts";
// lib/auth: DKIM signing, DKIM/ARC/SPF/DMARC verification (over mailauth).
export * from "./lib/auth/mod.ts";
// lib/trace: Received-path analysis (hops, delays, TLS, forgery hints).
export * from "./lib/trace/mod.ts";
export {
  compareClaims,
  type VerifiedClient,
  verifiedClient,
  type VerifiedTrace,
  verifyTrace,
} from "./lib/trace/verification.ts";
// lib/smtp/server: the sans-IO session, its listener and connection glue.
export {
  type ContentOutcome,
  type Next,
  ServerSession,
  type SessionPolicy,
  type Step,
} from "./lib/smtp/server/session.ts";
export type { ClientInfo, Envelope, Recipient } from "./lib/smtp/server/envelope.ts";
export { DEFAULT_SESSION_LIMITS, type SessionLimits } from "./lib/smtp/server/limits.ts";
export { Replies } from "./lib/smtp/server/replies.ts";
export { formatReceived, type ReceivedInfo, withProtocol } from "./lib/smtp/server/received.ts";
export {
  type ConnectionContext,
  type ConnectionEvent,
  type IncomingMessage,
  type MessageStore,
  type SessionTimeouts,
  SmtpConnection,
  StoreError,
} from "./lib/smtp/server/connection.ts";
export { type ListenerOptions, SmtpListener } from "./lib/smtp/server/listener.ts";
export * from "./lib/smtp/client/mod.ts";
// lib/spool: the durable queue.
export { Spool, type SpooledMessage, type SpoolMeta } from "./lib/spool/spool.ts";
export { QueueIdGenerator } from "./lib/spool/queue_id.ts";
export type { RecordLocation } from "./lib/spool/segment_writer.ts";
// lib/delivery: Maildir and local delivery from the spool.
export { Maildir } from "./lib/delivery/maildir.ts";
export type { MaildirStore } from "./lib/delivery/maildir_worker.ts";
export { type DeliveryEvent, LocalDelivery } from "./lib/delivery/local_delivery.ts";
// The MTA that `postie serve` runs.
export { Mta, type MtaOptions } from "./lib/mta/mta.ts";
export { type LogFields, Logger } from "./lib/mta/log.ts";
export { ExitCode } from "./lib/sysexits.ts";
