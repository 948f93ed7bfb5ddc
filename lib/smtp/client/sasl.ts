/**
 * The client side of the SASL mechanisms SMTP AUTH uses (RFC 4954): PLAIN (RFC 4616), LOGIN
 * (draft-murchison-sasl-login), CRAM-MD5 (RFC 2195) and XOAUTH2 (Google's OAuth 2.0 bearer).
 *
 * @module
 */

import { createHmac } from "node:crypto";

/** Who logs in: the user name and the password (for XOAUTH2, the OAuth 2.0 access token). */
export interface SaslCredentials {
  /** The authentication identity. */
  username: string;
  /** The password, or the bearer token for XOAUTH2. */
  password: string;
}

/**
 * One mechanism's exchange: what goes with the AUTH command, and the answer to each server
 * challenge. Responses are plain text; the session base64-encodes them (RFC 4954 §4).
 */
export interface SaslMechanism {
  /** The mechanism name, upper case, e.g. `PLAIN`. */
  readonly name: string;
  /** The initial response sent with AUTH (RFC 4954 §4), if the mechanism has one. */
  readonly initialResponse?: string;
  /** The answer to a challenge (decoded from its 334 reply). */
  respond(challenge: string): string;
  /** False for a response that shows nothing secret (LOGIN's user name), which is not masked. */
  secret(response: string): boolean;
}

/** The mechanisms postie can run, best first when the server offers several. */
export const SASL_MECHANISMS = ["CRAM-MD5", "PLAIN", "LOGIN", "XOAUTH2"] as const;

/** A mechanism by name. */
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];

/** XOAUTH2 is picked only when asked for: it needs a token, not a password. */
const AUTOMATIC: readonly SaslMechanismName[] = ["CRAM-MD5", "PLAIN", "LOGIN"];

/**
 * The mechanism to use: `forced` if given (when the server offers it), else the best of
 * those offered; undefined when none fits.
 *
 * @example
 * ```ts
 * import { chooseSaslMechanism } from "./sasl.ts";
 * chooseSaslMechanism(["LOGIN", "PLAIN"]); // "PLAIN"
 * ```
 */
export function chooseSaslMechanism(
  offered: string[],
  forced?: SaslMechanismName,
): SaslMechanismName | undefined {
  if (forced !== undefined) return offered.includes(forced) ? forced : undefined;
  return AUTOMATIC.find((name) => offered.includes(name));
}

/**
 * The client of mechanism `name` for `credentials`.
 *
 * @example
 * ```ts
 * import { saslMechanism } from "./sasl.ts";
 * saslMechanism("PLAIN", { username: "me", password: "pw" }).initialResponse; // "\0me\0pw"
 * ```
 */
export function saslMechanism(
  name: SaslMechanismName,
  credentials: SaslCredentials,
): SaslMechanism {
  const { username, password } = credentials;
  switch (name) {
    case "PLAIN": // RFC 4616 §2: [authzid] NUL authcid NUL passwd
      return fixed(name, `\0${username}\0${password}`);
    case "XOAUTH2": // the bearer token; on failure the server's 334 JSON gets an empty answer
      return fixed(name, `user=${username}\x01auth=Bearer ${password}\x01\x01`);
    case "LOGIN": // two challenges, "Username:" then "Password:", answered in that order
      return {
        name,
        respond: (challenge) => /^user/i.test(challenge) ? username : password,
        secret: (response) => response !== username,
      };
    case "CRAM-MD5": // RFC 2195 §2: user SP hex(HMAC-MD5(password, challenge))
      return {
        name,
        respond: (challenge) =>
          `${username} ${createHmac("md5", password).update(challenge).digest("hex")}`,
        secret: () => true,
      };
  }
}

function fixed(name: SaslMechanismName, initialResponse: string): SaslMechanism {
  return { name, initialResponse, respond: () => "", secret: (r) => r !== "" };
}

/** RFC 4954 §4: a response goes as base64 of its UTF-8 octets ("" stays empty). */
export function encodeSaslText(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** RFC 4954 §4: the text of a 334 challenge is base64; undecodable text is taken as is. */
export function decodeSaslText(base64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64.trim()), (c) => c.charCodeAt(0)));
  } catch {
    return base64;
  }
}
