/**
 * One HTTPS GET over `node:tls` to a chosen address, the certificate verified for the host
 * name (chain and name), with a size limit and a time limit: enough for an MTA-STS policy
 * file (RFC 8461 §3.3), and no more (no redirects, no keep-alive).
 *
 * @module
 */

import net from "node:net";
import tls from "node:tls";

import { concatBytes } from "../wire/bytes.ts";
import { HTTPS_PORT } from "./ports.ts";

/** Options of {@linkcode httpsGet}. */
export interface HttpsGetOptions {
  /** The IP address to connect to (resolved by the caller). */
  address: string;
  /** Default {@linkcode HTTPS_PORT}. */
  port?: number;
  /** The host name: sent as SNI and Host, and the name the certificate must be valid for. */
  host: string;
  /** E.g. `/.well-known/mta-sts.txt`. */
  path: string;
  /** Time limit of the whole exchange, ms. */
  timeoutMs: number;
  /** Largest body accepted, bytes. */
  maxBodyBytes: number;
}

/** A response: status, header fields (names lower case), and the body's bytes. */
export interface HttpsResponse {
  /** The HTTP status code, e.g. 200. */
  status: number;
  /** Header fields by lower-case name. */
  headers: Map<string, string>;
  /** The body's bytes, as received. */
  body: Uint8Array;
}

/** The GET failed: no connection, a bad certificate, a time-out, too large or not HTTP. */
export class HttpsGetError extends Error {
  /** Creates the error with a one-line reason. */
  constructor(message: string) {
    super(message);
    this.name = "HttpsGetError";
  }
}

/** Room for the status line and header fields, beyond the body's limit. */
const HEADER_ROOM = 16_384;

/**
 * Sends `GET path` with `Host` and `Connection: close` and reads the response to its end.
 *
 * @throws {HttpsGetError} on any failure, including a certificate invalid for `host`.
 *
 * @example
 * ```ts
 * const response = await httpsGet({
 *   address: "192.0.2.1", host: "mta-sts.example.com", path: "/.well-known/mta-sts.txt",
 *   timeoutMs: 5000, maxBodyBytes: 65_536,
 * });
 * console.log(response.status, response.headers.get("content-type"));
 * ```
 */
export async function httpsGet(options: HttpsGetOptions): Promise<HttpsResponse> {
  const { host, timeoutMs } = options;
  const socket = tls.connect({
    host: options.address,
    port: options.port ?? HTTPS_PORT,
    // RFC 6066 §3: SNI carries a host name, never an address literal
    ...(net.isIP(host) === 0 && { servername: host }),
    rejectUnauthorized: true,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<HttpsResponse>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new HttpsGetError(`no response within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const limit = options.maxBodyBytes + HEADER_ROOM, chunks: Uint8Array[] = [];
      let size = 0;
      socket.once("secureConnect", () => {
        socket.write(`GET ${options.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      });
      socket.on("data", (chunk: Uint8Array) => {
        size += chunk.length;
        if (size > limit) reject(new HttpsGetError(`response larger than ${limit} bytes`));
        else chunks.push(chunk);
      });
      socket.once("error", (error: Error) => reject(new HttpsGetError(error.message)));
      socket.once("end", () => {
        try {
          resolve(parseResponse(concatBytes(chunks), options.maxBodyBytes));
        } catch (error) {
          reject(error);
        }
      });
    });
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** RFC 9112 §2.1: status line, header fields, an empty line, the body. */
function parseResponse(bytes: Uint8Array, maxBodyBytes: number): HttpsResponse {
  const end = indexOfCrlfCrlf(bytes);
  if (end < 0) throw new HttpsGetError("the response ended inside its header");
  // The header is ASCII (RFC 9110 §5.5); only it is decoded here
  const [statusLine, ...fieldLines] = new TextDecoder().decode(bytes.subarray(0, end)).split(
    "\r\n",
  );
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) throw new HttpsGetError(`not an HTTP response: ${statusLine.slice(0, 60)}`);
  const headers = new Map<string, string>();
  for (const line of fieldLines) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  const raw = bytes.subarray(end + 4);
  // RFC 9112 §7.1: a chunked body is decoded; otherwise the body runs to the close
  const body = /\bchunked\b/i.test(headers.get("transfer-encoding") ?? "")
    ? dechunk(raw)
    : raw.subarray(0, Number(headers.get("content-length") ?? raw.length));
  if (body.length > maxBodyBytes) {
    throw new HttpsGetError(`body larger than ${maxBodyBytes} bytes`);
  }
  return { status: Number(status[1]), headers, body };
}

function indexOfCrlfCrlf(bytes: Uint8Array, from = 0): number {
  for (
    let i = bytes.indexOf(13, from);
    i >= 0 && i + 3 < bytes.length;
    i = bytes.indexOf(13, i + 1)
  ) {
    if (bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/** RFC 9112 §7.1: hex size line, data, CRLF; a zero size ends the body. */
function dechunk(raw: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf(10, at);
    if (eol < 0) throw new HttpsGetError("chunked body cut short");
    const length = parseInt(new TextDecoder().decode(raw.subarray(at, eol)), 16);
    if (Number.isNaN(length)) throw new HttpsGetError("bad chunk size");
    if (length === 0) return concatBytes(parts);
    if (eol + 1 + length > raw.length) throw new HttpsGetError("chunked body cut short");
    parts.push(raw.subarray(eol + 1, eol + 1 + length));
    at = eol + 1 + length + 2;
  }
}
