import type { Path } from "../../address/mod.ts";
import type { EsmtpParameters } from "../../wire/mod.ts";

/** One accepted recipient: its forward-path and its RCPT parameters (NOTIFY, ORCPT). */
export interface Recipient {
  path: Path;
  params: EsmtpParameters;
}

/**
 * The transaction of RFC 5321 §3.3, as aiosmtpd's `Envelope`: the reverse-path from MAIL,
 * the forward-paths from RCPT, and the ESMTP parameters given with them.
 */
export interface Envelope {
  reversePath: Path;
  mailParams: EsmtpParameters;
  recipients: Recipient[];
}

/** What the session knows about the client, beyond any one transaction. */
export interface ClientInfo {
  /** The client's IP address, as the socket reports it. */
  address: string;
  port: number;
  /** The argument of the last HELO or EHLO. */
  helo?: string;
  /** True after EHLO, false after HELO. */
  esmtp: boolean;
  tls: boolean;
  authenticated: boolean;
}
