/**
 * The well-known ports the probes connect to; a report shows a port only when it is another.
 *
 * @module
 */

/** RFC 5321 §4.5.4.2: MTAs relay to port 25. */
export const SMTP_PORT = 25;

/** RFC 7230 §2.7.2 / RFC 8461 §3.3: MTA-STS policies are served on the default HTTPS port. */
export const HTTPS_PORT = 443;
