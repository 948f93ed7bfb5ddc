/**
 * Content-Type (RFC 2045 §5) and Content-Disposition (RFC 2183) field values.
 *
 * @module
 */

import { splitParameters } from "./mime_parameters.ts";
import { combineParameters } from "./rfc2231.ts";

/** A media type with its parameters. */
export interface ContentType {
  /** Top-level type, lower case: `text`, `multipart`, `message`… */
  type: string;
  /** Subtype, lower case. */
  subtype: string;
  /** `type/subtype`. */
  mediaType: string;
  /** Parameters by lower-case name, RFC 2231 sections joined and decoded. */
  params: Record<string, string>;
}

/** A Content-Disposition: `inline`, `attachment` or another token, with parameters. */
export interface ContentDisposition {
  /** The disposition type, lower case. */
  type: string;
  /** Parameters by lower-case name (`filename`, `size`, `creation-date`…). */
  params: Record<string, string>;
}

// RFC 2045 §5.1: type "/" subtype, both tokens (no tspecials, no space or controls).
const MEDIA_TYPE = /^([^\s()<>@,;:\\"\/\[\]?=]+)\/([^\s()<>@,;:\\"\/\[\]?=]+)$/;

/**
 * Parses a Content-Type value; `undefined` when its media type is not `type/subtype`
 * (RFC 2045 §5.2 then says to treat the part as text/plain).
 *
 * @example
 * ```ts
 * parseContentType('Multipart/Mixed; boundary="=_x"', [])?.params.boundary; // "=_x"
 * ```
 */
export function parseContentType(text: string, warnings: string[]): ContentType | undefined {
  const { value, params } = splitParameters(text);
  const match = MEDIA_TYPE.exec(value);
  if (!match) return undefined;
  const type = match[1].toLowerCase();
  const subtype = match[2].toLowerCase();
  return {
    type,
    subtype,
    mediaType: `${type}/${subtype}`,
    params: combineParameters(params, warnings),
  };
}

/**
 * The type a part has without a usable Content-Type: text/plain; charset=us-ascii
 * (RFC 2045 §5.2), or message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
 */
export function defaultContentType(inDigest: boolean): ContentType {
  return inDigest
    ? { type: "message", subtype: "rfc822", mediaType: "message/rfc822", params: {} }
    : { type: "text", subtype: "plain", mediaType: "text/plain", params: { charset: "us-ascii" } };
}

/**
 * Parses a Content-Disposition value (RFC 2183 §2).
 *
 * @example
 * ```ts
 * parseContentDisposition("attachment; filename*=utf-8''%E2%82%AC.txt", []);
 * // { type: "attachment", params: { filename: "€.txt" } }
 * ```
 */
export function parseContentDisposition(text: string, warnings: string[]): ContentDisposition {
  const { value, params } = splitParameters(text);
  return { type: value.toLowerCase(), params: combineParameters(params, warnings) };
}
