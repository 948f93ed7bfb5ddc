import type { Path } from "../../address/mod.ts";
import type { EsmtpParameters } from "../../wire/mod.ts";

/** One accepted recipient: its forward-path and its RCPT parameters (NOTIFY, ORCPT). */
export interface Recipient {
  /** The forward-path (RFC 5321 §4.1.1.3). */
  path: Path;
  /** The RCPT parameters (RFC 5321 §4.1.2), e.g. NOTIFY and ORCPT of RFC 3461. */
  params: EsmtpParameters;
}

/**
 * The transaction of RFC 5321 §3.3, as aiosmtpd's `Envelope`: the reverse-path from MAIL,
 * the forward-paths from RCPT, and the ESMTP parameters given with them.
 */
export interface Envelope {
  /** The reverse-path from MAIL (RFC 5321 §4.1.1.2); the null path for bounces. */
  reversePath: Path;
  /** The MAIL parameters (RFC 5321 §4.1.2), e.g. SIZE, BODY, SMTPUTF8. */
  mailParams: EsmtpParameters;
  /** The accepted recipients, in RCPT order. */
  recipients: Recipient[];
}

/** What the session knows about the client, beyond any one transaction. */
export interface ClientInfo {
  /** The client's IP address, as the socket reports it. */
  address: string;
  /** The client's TCP port. */
  port: number;
  /** The argument of the last HELO or EHLO. */
  helo?: string;
  /** True after EHLO, false after HELO. */
  esmtp: boolean;
  /** True once STARTTLS completed (RFC 3207). */
  tls: boolean;
  /** True once AUTH succeeded (RFC 4954). */
  authenticated: boolean;
}
