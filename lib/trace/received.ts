/**
 * What one Received header field says about one hop (RFC 5321 §4.4), as parsed.
 *
 * @module
 */

/** The TLS a hop used, as far as the Received field writes it. */
export interface TlsInfo {
  /** The protocol version, normalised to the `TLSv1.3` form, when written. */
  version?: string;
  /** The cipher suite as written (OpenSSL or IANA name), when written. */
  cipher?: string;
}

/** The `from` clause (RFC 5321 §4.4 From-domain and TCP-info): who sent to this hop. */
export interface ReceivedFrom {
  /** The HELO/EHLO argument the client gave. */
  helo?: string;
  /** The client's name by reverse DNS, as the receiving host looked it up. */
  reverseName?: string;
  /** The client's IP address (IPv4 dotted quad or IPv6 text, no brackets). */
  ip?: string;
}

/** One Received header field, parsed clause by clause. Parts that did not parse are in `raw`. */
export interface Received {
  /** The `from` clause; empty when the field has none. */
  from: ReceivedFrom;
  /** The `by` clause: the host that received the message. */
  by?: string;
  /** The `via` clause: the link type. */
  via?: string;
  /** The `with` clause: the protocol (SMTP, ESMTPS, LMTP…), as written. */
  with?: string;
  /** TLS on this hop, when the field says so; `undefined` when it does not. */
  tls?: TlsInfo;
  /** The `id` clause: the receiving host's queue id. */
  id?: string;
  /** The `for` clause: the recipient, angle brackets removed. */
  for?: string;
  /** The date-time after the semicolon, as an instant. */
  time?: Date;
  /** The whole field value, unfolded. */
  raw: string;
  /** What could not be read, one line each. */
  warnings: string[];
}
