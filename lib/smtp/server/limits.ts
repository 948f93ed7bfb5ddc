/** Limits that a server session enforces; each is a `postie serve` flag. */
export interface SessionLimits {
  /** Largest message in octets, advertised as SIZE (RFC 1870); 552 past it. */
  maxMessageSize: number;
  /** Recipients per transaction; further RCPTs get 452 (RFC 5321 §4.5.3.1.8). */
  maxRecipients: number;
  /** Client errors per session before 421 and close, as Postfix's smtpd_hard_error_limit. */
  maxErrors: number;
  /** What to do with bare LF or CR inside a message: store it as CRLF, or reject it (550 5.6.11). */
  bareNewlines: "normalize" | "reject";
}

/** Defaults close to Postfix's. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxMessageSize: 25 * 1024 * 1024,
  maxRecipients: 1000,
  maxErrors: 20,
  bareNewlines: "normalize",
};
