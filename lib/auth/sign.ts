/**
 * DKIM signing (RFC 6376) over mailauth: relaxed/relaxed canonicalization, rsa-sha256 or
 * ed25519-sha256 (RFC 8463) as the key's type says. The body hash is computed as the message
 * streams by, so memory holds the header, not the body.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { loadMailauthSign } from "./mailauth.ts";
import { authorDomain, peekHeader } from "./author_domain.ts";

/** Options of {@linkcode signDkim}. */
export interface DkimSignOptions {
  /** The private key, PEM (PKCS#8 or PKCS#1 RSA, PKCS#8 Ed25519). */
  privateKey: string;
  /** The selector (`s=`): the key is published at `<selector>._domainkey.<domain>`. */
  selector: string;
  /** The signing domain (`d=`); the From field's domain when not given (RFC 7489 §3.2). */
  domain?: string;
  /** Header field names to sign (`h=`); mailauth's list (From, To, Subject, Date…) by default. */
  headers?: readonly string[];
  /** The signing time (`t=`); now by default. */
  signTime?: Date;
}

/** A message that could not be signed: a bad key, selector or domain, no From field. */
export class DkimSignError extends Error {
  /** mailauth's error code (`ENOFROM`, `EINVALIDDOMAIN`…) or a Node crypto code, if any. */
  readonly code?: string;

  /** Creates the error with what went wrong. */
  constructor(message: string, code?: string) {
    super(message);
    this.name = "DkimSignError";
    this.code = code;
  }
}

/**
 * Signs `message` and returns the DKIM-Signature header field to prepend, folded and ending
 * in CRLF. A stream is read once, to its end.
 *
 * @example
 * ```ts
 * const privateKey = await Deno.readTextFile("dkim.pem");
 * const message = await Deno.readFile("message.eml");
 * const field = await signDkim(message, { privateKey, selector: "mail" });
 * const signed = new Uint8Array([...new TextEncoder().encode(field), ...message]);
 * ```
 */
export async function signDkim(
  message: Uint8Array | ReadableStream<Uint8Array>,
  options: DkimSignOptions,
): Promise<string> {
  let input = message;
  let domain = options.domain;
  if (domain === undefined) {
    const peeked = message instanceof Uint8Array ? undefined : await peekHeader(message);
    if (peeked) input = peeked.message;
    domain = authorDomain(peeked?.header ?? (message as Uint8Array));
    if (domain === undefined) {
      throw new DkimSignError("no signing domain: the message has no From domain", "ENOFROM");
    }
  }
  const signature = {
    signingDomain: domain,
    selector: options.selector,
    privateKey: options.privateKey,
  };
  const { dkimSign } = await loadMailauthSign();
  const result = await dkimSign(nodeInput(input), {
    // The typings want the fields at the top; the signer reads them from signatureData.
    ...signature,
    signatureData: [signature],
    // RFC 6376 §3.4: relaxed header and body canonicalization survive re-folding and spacing
    canonicalization: "relaxed/relaxed",
    signTime: options.signTime,
    headerList: options.headers ? [...options.headers] : undefined,
  });
  const failure = result.errors?.[0]?.err as (Error & { code?: string }) | undefined;
  if (failure) throw new DkimSignError(`cannot sign: ${failure.message}`, failure.code);
  if (!result.signatures) throw new DkimSignError("cannot sign: mailauth made no signature");
  return result.signatures;
}

/** What mailauth reads: a Buffer view of bytes, or a Node stream over a Web stream. */
function nodeInput(input: Uint8Array | ReadableStream<Uint8Array>): Buffer | Readable {
  if (input instanceof Uint8Array) {
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }
  return Readable.fromWeb(input as Parameters<typeof Readable.fromWeb>[0]);
}
