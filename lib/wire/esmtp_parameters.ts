/**
 * ESMTP parameters of MAIL and RCPT (RFC 5321 §4.1.2 `esmtp-param`), with the values of
 * SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), RET/ENVID/NOTIFY/ORCPT
 * (RFC 3461) and AUTH (RFC 4954) checked and decoded.
 *
 * @module
 */

import { CommandSyntaxError } from "./errors.ts";
import { xtextDecode, xtextEncode } from "./xtext.ts";

/** A NOTIFY condition (RFC 3461 §4.1). */
export type NotifyCondition = "NEVER" | "SUCCESS" | "FAILURE" | "DELAY";

/** The parameters following the path of MAIL or RCPT. */
export interface EsmtpParameters {
  /** RFC 1870 §3: declared message size in octets. */
  size?: number;
  /** RFC 6152 §2, RFC 3030 §3: body type. */
  body?: "7BIT" | "8BITMIME" | "BINARYMIME";
  /** RFC 6531 §3.4: the message needs SMTPUTF8. */
  smtputf8?: boolean;
  /** RFC 3461 §4.3: what a DSN returns of the message. */
  ret?: "FULL" | "HDRS";
  /** RFC 3461 §4.4: envelope identifier, xtext-decoded. */
  envid?: string;
  /** RFC 3461 §4.1: when to send a DSN; NEVER stands alone. */
  notify?: NotifyCondition[];
  /** RFC 3461 §4.2: original recipient; the address is xtext-decoded. */
  orcpt?: { addrType: string; address: string };
  /** RFC 4954 §5: authenticated sender, xtext-decoded; "<>" when unknown. */
  auth?: string;
  /** Other parameters by upper-cased keyword: the value as sent, or true if none. */
  other: Map<string, string | true>;
}

type KnownField = Exclude<keyof EsmtpParameters, "other">;
type ValueParser = (keyword: string, value: string | undefined) => unknown;

// RFC 5321 §4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
// RFC 5321 §4.1.2: esmtp-value = 1*(%d33-60 / %d62-126); RFC 6531 §3.3 adds UTF-8.
const VALUE = /^[\x21-\x3c\x3e-\x7e\u0080-\u{10ffff}]+$/u;
const NOTIFY_CONDITIONS = new Set(["NEVER", "SUCCESS", "FAILURE", "DELAY"]);

const KNOWN: Record<string, [KnownField, ValueParser]> = {
  SIZE: ["size", parseSize],
  BODY: ["body", (k, v) => oneOf(k, v, ["7BIT", "8BITMIME", "BINARYMIME"])],
  SMTPUTF8: ["smtputf8", parseFlag],
  RET: ["ret", (k, v) => oneOf(k, v, ["FULL", "HDRS"])],
  ENVID: ["envid", (k, v) => decodeXtext(k, required(k, v))],
  NOTIFY: ["notify", parseNotify],
  ORCPT: ["orcpt", parseOrcpt],
  AUTH: ["auth", (k, v) => decodeXtext(k, required(k, v))],
};

/**
 * Parses the `esmtp-param`s after a MAIL or RCPT path: space-separated
 * `keyword[=value]`, keywords case-insensitive. Throws {@linkcode CommandSyntaxError}
 * naming the keyword on a bad parameter, or one repeated with another value; an exact repeat
 * (Python's smtplib sends `SMTPUTF8 SMTPUTF8` when asked for SMTPUTF8) is taken once.
 *
 * @example
 * ```ts
 * import { parseEsmtpParameters } from "./esmtp_parameters.ts";
 * parseEsmtpParameters("SIZE=1000 BODY=8bitmime");
 * // { size: 1000, body: "8BITMIME", other: Map(0) {} }
 * ```
 */
export function parseEsmtpParameters(text: string): EsmtpParameters {
  const params: EsmtpParameters = { other: new Map() };
  const seen = new Map<string, string | undefined>();
  for (const param of text.split(/[ \t]+/)) {
    if (param === "") continue;
    const eq = param.indexOf("=");
    const keyword = (eq === -1 ? param : param.slice(0, eq)).toUpperCase();
    const value = eq === -1 ? undefined : param.slice(eq + 1);
    if (!KEYWORD.test(keyword)) throw new CommandSyntaxError(`Bad parameter: ${param}`);
    if (value !== undefined && !VALUE.test(value)) {
      throw new CommandSyntaxError(`Bad value for ${keyword}`);
    }
    if (seen.has(keyword)) {
      if (seen.get(keyword) === value) continue;
      throw new CommandSyntaxError(`Duplicate parameter: ${keyword}`);
    }
    seen.set(keyword, value);
    const known = KNOWN[keyword];
    if (known === undefined) params.other.set(keyword, value ?? true);
    else (params as unknown as Record<string, unknown>)[known[0]] = known[1](keyword, value);
  }
  return params;
}

/**
 * Formats parameters for a MAIL or RCPT command, xtext-encoding ENVID, ORCPT and AUTH;
 * the known parameters come first, in a fixed order.
 *
 * @example
 * ```ts
 * import { formatEsmtpParameters } from "./esmtp_parameters.ts";
 * formatEsmtpParameters({ size: 1000, notify: ["SUCCESS", "FAILURE"], other: new Map() });
 * // "SIZE=1000 NOTIFY=SUCCESS,FAILURE"
 * ```
 */
export function formatEsmtpParameters(params: EsmtpParameters): string {
  const out: string[] = [];
  if (params.size !== undefined) out.push(`SIZE=${params.size}`);
  if (params.body !== undefined) out.push(`BODY=${params.body}`);
  if (params.smtputf8) out.push("SMTPUTF8");
  if (params.ret !== undefined) out.push(`RET=${params.ret}`);
  if (params.envid !== undefined) out.push(`ENVID=${xtextEncode(params.envid)}`);
  if (params.notify !== undefined) out.push(`NOTIFY=${params.notify.join(",")}`);
  if (params.orcpt !== undefined) {
    out.push(`ORCPT=${params.orcpt.addrType};${xtextEncode(params.orcpt.address)}`);
  }
  if (params.auth !== undefined) out.push(`AUTH=${xtextEncode(params.auth)}`);
  for (const [keyword, value] of params.other) {
    out.push(value === true ? keyword : `${keyword}=${value}`);
  }
  return out.join(" ");
}

function required(keyword: string, value: string | undefined): string {
  if (value === undefined) throw new CommandSyntaxError(`${keyword} requires a value`);
  return value;
}

function parseFlag(keyword: string, value: string | undefined): true {
  // RFC 6531 §3.4: SMTPUTF8 takes no value.
  if (value !== undefined) throw new CommandSyntaxError(`${keyword} takes no value`);
  return true;
}

function parseSize(keyword: string, value: string | undefined): number {
  // RFC 1870 §3: size-value = 1*20DIGIT.
  const digits = required(keyword, value);
  const size = Number(digits);
  if (!/^[0-9]+$/.test(digits) || !Number.isSafeInteger(size)) {
    throw new CommandSyntaxError(`Bad value for ${keyword}: must be a number of octets`);
  }
  return size;
}

function oneOf(keyword: string, value: string | undefined, allowed: string[]): string {
  const upper = required(keyword, value).toUpperCase();
  if (!allowed.includes(upper)) {
    throw new CommandSyntaxError(`Bad value for ${keyword}: must be ${allowed.join(" or ")}`);
  }
  return upper;
}

function parseNotify(keyword: string, value: string | undefined): NotifyCondition[] {
  const conditions = required(keyword, value).toUpperCase().split(",");
  if (!conditions.every((c) => NOTIFY_CONDITIONS.has(c))) {
    throw new CommandSyntaxError(`Bad value for ${keyword}: NEVER or SUCCESS,FAILURE,DELAY`);
  }
  // RFC 3461 §4.1: NEVER must not appear with any other keyword.
  if (conditions.length > 1 && conditions.includes("NEVER")) {
    throw new CommandSyntaxError(`Bad value for ${keyword}: NEVER must stand alone`);
  }
  return conditions as NotifyCondition[];
}

function parseOrcpt(keyword: string, value: string | undefined): EsmtpParameters["orcpt"] {
  // RFC 3461 §4.2: original-recipient-address = addr-type ";" xtext.
  const text = required(keyword, value);
  const semicolon = text.indexOf(";");
  const addrType = text.slice(0, semicolon);
  if (semicolon < 1 || !/^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~.-]+$/.test(addrType)) {
    throw new CommandSyntaxError(`Bad value for ${keyword}: must be addr-type;address`);
  }
  return { addrType, address: decodeXtext(keyword, text.slice(semicolon + 1)) };
}

function decodeXtext(keyword: string, value: string): string {
  try {
    return xtextDecode(value);
  } catch (e) {
    if (e instanceof CommandSyntaxError) {
      throw new CommandSyntaxError(`Bad value for ${keyword}: ${e.message}`, e.position);
    }
    throw e;
  }
}
