/**
 * How an address and port are written in messages and reports.
 *
 * @module
 */

/**
 * `address:port`, with an IPv6 address in brackets (RFC 5952 §6).
 *
 * @example
 * ```ts
 * hostPort("2001:db8::1", 25); // "[2001:db8::1]:25"
 * ```
 */
export function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
