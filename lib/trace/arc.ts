/**
 * The Authenticated Received Chain (RFC 8617): ARC-Seal, ARC-Message-Signature and
 * ARC-Authentication-Results fields grouped into sets by instance, as the intermediaries
 * that added them claim. Nothing here checks a signature (that is `--verify`).
 *
 * @module
 */

import type { HeaderField } from "../message/header.ts";
import {
  type AuthenticationResults,
  parseAuthenticationResults,
} from "./authentication_results.ts";
import { type SignatureTags, signatureTags } from "./dkim_signature.ts";
import { parseSignatureTags } from "./signature_tags.ts";

/** RFC 8617 §4.2.1: instance numbers run from 1 to 50. */
export const MAX_ARC_INSTANCE = 50;

/** An ARC-Seal field (RFC 8617 §4.1.3): the sealer and its chain validation claim. */
export interface ArcSeal extends SignatureTags {
  /** `cv=`: `none` (first set), `pass` or `fail`: what the sealer found the chain to be. */
  chainValidation?: string;
}

/** One ARC set: the three fields one intermediary added, by instance number. */
export interface ArcSet {
  /** RFC 8617 §4.2.1 `i=`: 1 for the first intermediary. */
  instance: number;
  /** The ARC-Seal field, when there is (exactly) one. */
  seal?: ArcSeal;
  /** The ARC-Message-Signature field's signer, when there is one. */
  messageSignature?: SignatureTags;
  /** The ARC-Authentication-Results field: what that intermediary found on arrival. */
  authenticationResults?: AuthenticationResults;
}

/** Every ARC set of a message, and what is wrong with their form. */
export interface ArcChain {
  /** The sets in ascending instance order. */
  sets: ArcSet[];
  /** Form problems, one line each: a field without an instance, a repeated or missing field. */
  problems: string[];
}

const KINDS = {
  "arc-seal": ["seal", "ARC-Seal"],
  "arc-message-signature": ["messageSignature", "ARC-Message-Signature"],
  "arc-authentication-results": ["authenticationResults", "ARC-Authentication-Results"],
} as const;

/**
 * Groups ARC fields into sets; other fields are ignored. Never throws.
 *
 * @example
 * ```ts
 * import { parseHeaderBlock } from "../message/header.ts";
 * const fields = parseHeaderBlock(new TextEncoder().encode(
 *   "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.net; s=arc; b=x\r\n",
 * ), []);
 * readArcChain(fields).sets[0].seal?.chainValidation; // "none"
 * ```
 */
export function readArcChain(fields: readonly HeaderField[]): ArcChain {
  const byInstance = new Map<number, ArcSet>();
  const problems: string[] = [];
  for (const field of fields) {
    const kind = KINDS[field.name.toLowerCase() as keyof typeof KINDS];
    if (kind === undefined) continue;
    const [key, name] = kind;
    const parsed = key === "authenticationResults"
      ? readArcResults(field.unfolded)
      : readArcSignature(field.unfolded);
    if (parsed === undefined) {
      problems.push(`${name} without an instance (i=1 to ${MAX_ARC_INSTANCE})`);
      continue;
    }
    let set = byInstance.get(parsed.instance);
    if (set === undefined) byInstance.set(parsed.instance, set = { instance: parsed.instance });
    // RFC 8617 §5.1.1: each ARC set contains exactly one of each of the three fields.
    if (set[key] !== undefined) problems.push(`more than one ${name} for i=${parsed.instance}`);
    else Object.assign(set, { [key]: parsed.value });
  }
  const sets = [...byInstance.values()].sort((a, b) => a.instance - b.instance);
  for (const set of sets) {
    for (const [key, name] of Object.values(KINDS)) {
      if (set[key] === undefined) problems.push(`ARC set i=${set.instance} has no ${name}`);
    }
  }
  return { sets, problems };
}

/** RFC 8617 §4.1.2 and §4.1.3: ARC-Message-Signature and ARC-Seal are DKIM-like tag-lists. */
function readArcSignature(value: string): { instance: number; value: ArcSeal } | undefined {
  const tags = parseSignatureTags(value);
  const instance = instanceOf(tags.get("i"));
  if (instance === undefined) return undefined;
  const seal: ArcSeal = signatureTags(tags);
  const cv = tags.get("cv");
  if (cv) seal.chainValidation = cv.toLowerCase();
  return { instance, value: seal };
}

/** RFC 8617 §4.1.1: ARC-Authentication-Results = "i=" instance ";" authres-payload. */
function readArcResults(
  value: string,
): { instance: number; value: AuthenticationResults } | undefined {
  const match = /^\s*i\s*=\s*(\d+)\s*;/.exec(value);
  const instance = instanceOf(match?.[1]);
  if (match === null || instance === undefined) return undefined;
  return { instance, value: parseAuthenticationResults(value.slice(match[0].length)) };
}

function instanceOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,2}$/.test(text)) return undefined;
  const instance = Number(text);
  return instance >= 1 && instance <= MAX_ARC_INSTANCE ? instance : undefined;
}
