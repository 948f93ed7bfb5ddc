/**
 * What a client asks a server to do (the envelope of one mail transaction, RFC 5321 §3.3)
 * and what came of each step.
 *
 * @module
 */

import type { NotifyCondition } from "../../wire/esmtp_parameters.ts";
import type { Reply } from "../../wire/reply.ts";

/**
 * The replies a client session waits for, in the order they come (RFC 5321 §3): `ehlo` is
 * EHLO's or LHLO's, `bdat` a BDAT chunk's before the last, `content` the end of the content's
 * (DATA's final dot or BDAT LAST; with LMTP one per accepted recipient).
 */
export type ClientStage =
  | "banner"
  | "ehlo"
  | "helo"
  | "starttls"
  | "auth"
  | "rset"
  | "mail"
  | "rcpt"
  | "data"
  | "bdat"
  | "content"
  | "quit";

/**
 * Where `--quit-after` stops a session (swaks' vocabulary; `connect` is `banner`; `ehlo` is
 * the EHLO after STARTTLS when there is one; `tls` right after the handshake).
 */
export type QuitAfter =
  | "connect"
  | "banner"
  | "ehlo"
  | "tls"
  | "auth"
  | "mail"
  | "rcpt"
  | "data";

/** One RCPT TO: the forward-path and its DSN parameters (RFC 3461 §4.1, §4.2). */
export interface RecipientRequest {
  /** The address without angle brackets. */
  forwardPath: string;
  /** When to send a DSN; sent only if the server offers DSN. */
  notify?: NotifyCondition[];
  /** The original recipient; sent only if the server offers DSN. */
  orcpt?: { addrType: string; address: string };
}

/** The envelope of one message and the MAIL parameters it needs. */
export interface MailTransaction {
  /** The reverse-path without angle brackets; "" for the null path `<>`. */
  reversePath: string;
  /** At least one recipient. */
  recipients: RecipientRequest[];
  /** Message size in octets, declared when the server offers SIZE (RFC 1870). */
  size?: number;
  /** Body type, declared when the server offers 8BITMIME (RFC 6152). */
  body?: "7BIT" | "8BITMIME";
  /** The envelope or message needs SMTPUTF8 (RFC 6531): fails if the server lacks it. */
  smtputf8?: boolean;
  /** RFC 3461 RET, sent only if the server offers DSN. */
  ret?: "FULL" | "HDRS";
  /** RFC 3461 ENVID, sent only if the server offers DSN. */
  envid?: string;
}

/** A recipient and the server's reply to its RCPT (none if the session stopped before). */
export interface RecipientOutcome {
  /** The address without angle brackets. */
  forwardPath: string;
  /** The reply to RCPT TO. */
  reply?: Reply;
  /** LMTP: this recipient's own reply after the content (RFC 2033 §4.2). */
  deliveryReply?: Reply;
}

/** Why a session did not deliver: the stage, the reply that said no (if any), in words. */
export interface ClientFailure {
  /** The step that failed. */
  stage: ClientStage;
  /** The server's reply, absent when the client itself refused to go on. */
  reply?: Reply;
  /** What went wrong, for a person. */
  reason: string;
}
