/**
 * Transcript events: what a client connection did, line by line, with the time it happened.
 *
 * @module
 */

/**
 * Which way a transcript line went: `connect` (the TCP connection), `tls` (a finished TLS
 * handshake), `send` (a command), `receive` (a reply line), `content` (the message content,
 * summed up), `error`.
 */
export type TranscriptDirection = "connect" | "tls" | "send" | "receive" | "content" | "error";

/** One line of a client session's transcript. */
export interface TranscriptEvent {
  /** Which way it went. */
  direction: TranscriptDirection;
  /** The command or reply line without CRLF, or a description; secrets masked. */
  text: string;
  /** The line as sent, when `text` masks a secret (for `--show-secrets`). */
  secret?: string;
  /** True when the line went over TLS. */
  tls?: boolean;
  /** Milliseconds since the connection attempt began. */
  elapsedMs: number;
}
