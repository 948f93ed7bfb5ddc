/**
 * Typed errors of the DNS layer.
 *
 * @module
 */

import { hostPort } from "./host_port.ts";

/** A name that cannot be asked for: bad IDN, empty label, label over 63 or name over 255 octets. */
export class DnsNameError extends Error {
  /** The name as given. */
  readonly input: string;

  /** Creates the error; `reason` says what is wrong with `input`. */
  constructor(input: string, reason: string) {
    super(`"${input}" is not a usable domain name: ${reason}`);
    this.name = "DnsNameError";
    this.input = input;
  }
}

/** A DNS response that does not decode (truncated data, a pointer loop, a bad length). */
export class DnsMessageError extends Error {
  /** Creates the error with what was wrong and where. */
  constructor(reason: string, offset: number) {
    super(`malformed DNS message at octet ${offset}: ${reason}`);
    this.name = "DnsMessageError";
  }
}

/** No answer from a DNS server within the time limit of a question. */
export class DnsTimeoutError extends Error {
  /** The server that did not answer, as `address:port` (`[address]:port` for IPv6). */
  readonly server: string;

  /** Creates the error for `server` silent for `timeoutMs`. */
  constructor(server: { ipAddr: string; port: number }, timeoutMs: number) {
    const text = hostPort(server.ipAddr, server.port);
    super(`no answer from ${text} in ${timeoutMs} ms`);
    this.name = "DnsTimeoutError";
    this.server = text;
  }
}
