/**
 * mailauth, loaded on first use. The specifier is not a literal on purpose: `deno bundle`
 * cannot bundle mailauth (its `require('../package')` names a JSON file without the
 * extension), so the bundle leaves the package out and Deno loads it from npm at run time;
 * `deno compile` embeds it from the lockfile. Only signing and verifying pay its load time.
 *
 * @module
 */

import type * as Mailauth from "mailauth";
import type * as MailauthSign from "mailauth/lib/dkim/sign.js";

/** The mailauth package postie uses; deno.json's `mailauth` import pins the same version. */
export const MAILAUTH_PACKAGE = "npm:mailauth@7.1.0";

/**
 * mailauth's main module (authenticate, spf, dmarc, arc…).
 *
 * @example
 * ```ts
 * const { authenticate } = await loadMailauth();
 * ```
 */
export function loadMailauth(): Promise<typeof Mailauth> {
  return import(MAILAUTH_PACKAGE);
}

/**
 * mailauth's DKIM signer alone, lighter than the main module.
 *
 * @example
 * ```ts
 * const { dkimSign } = await loadMailauthSign();
 * ```
 */
export function loadMailauthSign(): Promise<typeof MailauthSign> {
  return import(`${MAILAUTH_PACKAGE}/lib/dkim/sign.js`);
}
