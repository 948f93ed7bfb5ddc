/**
 * What a DKIM-Signature field (RFC 6376 §3.5) says about who signed: the signing domain,
 * selector and algorithm, for alignment with the From domain and for showing in a trace.
 * The signature itself is not checked here (that is `--verify`).
 *
 * @module
 */

import { parseSignatureTags } from "./signature_tags.ts";

/** The signer of a DKIM-Signature or ARC signature field, as its tags claim it. */
export interface SignatureTags {
  /** RFC 6376 §3.5 `d=`: the signing domain, lower case. */
  domain?: string;
  /** RFC 6376 §3.5 `s=`: the selector of the key under `_domainkey.<d>`. */
  selector?: string;
  /** RFC 6376 §3.5 `a=`: the algorithm, e.g. `rsa-sha256`, lower case. */
  algorithm?: string;
}

/** One DKIM-Signature field: signer tags and the `i=` identity. */
export interface DkimSignature extends SignatureTags {
  /** RFC 6376 §3.5 `i=`: the agent or user identity, when written. */
  identity?: string;
}

/**
 * Reads the `d=`, `s=` and `a=` tags of a signature field value; absent tags stay absent.
 *
 * @example
 * ```ts
 * signatureTags(parseSignatureTags("a=rsa-sha256; d=Example.NET; s=s1"));
 * // { domain: "example.net", selector: "s1", algorithm: "rsa-sha256" }
 * ```
 */
export function signatureTags(tags: Map<string, string>): SignatureTags {
  const signer: SignatureTags = {};
  const domain = tags.get("d");
  const selector = tags.get("s");
  const algorithm = tags.get("a");
  if (domain) signer.domain = domain.toLowerCase().replace(/\.$/, "");
  if (selector) signer.selector = selector;
  if (algorithm) signer.algorithm = algorithm.toLowerCase();
  return signer;
}

/**
 * Parses a DKIM-Signature value; never throws.
 *
 * @example
 * ```ts
 * parseDkimSignature("v=1; a=rsa-sha256; d=example.net; s=20230601; h=from; bh=x; b=y").domain;
 * // "example.net"
 * ```
 */
export function parseDkimSignature(value: string): DkimSignature {
  const tags = parseSignatureTags(value);
  const signature: DkimSignature = signatureTags(tags);
  const identity = tags.get("i");
  if (identity) signature.identity = identity;
  return signature;
}
