/**
 * TLS details of a hop, read from the ways MTAs write them into Received fields.
 *
 * @module
 */

import type { TlsInfo } from "./received.ts";
import { isKeyword } from "./keyword.ts";
import type { ReceivedToken } from "./received_tokens.ts";

// Postfix: "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) ...)".
const POSTFIX = /\busing\s+((?:TLS|SSL)v?[\d._]*)\s+with\s+cipher\s+([\w-]+)/i;
// Sendmail, Gmail, Microsoft: "(version=TLS1_2, cipher=TLS_ECDHE_RSA_..." / "version=TLSv1.3".
const VERSION_TAG = /\bversion=((?:TLS|SSL)v?[\d._]*)/i;
const CIPHER_TAG = /\bcipher=([\w-]+)/i;
// Exim: "(TLS1.3)" or, before 4.92, "(TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)".
const EXIM = /^((?:TLS|SSL)v?[\d.]*)(?::([\w-]+)(?::\d+)?)?$/i;
// Gmail writes "(Google Transport Security)" when it used TLS and nothing else.
const TLS_PRESENT = /^(?:Google Transport Security|TLS)$/i;
// Every comment form above names one of these; most comments (MTA names, HELO) name none.
const MENTIONS_TLS = /tls|ssl|cipher|google/i;
// RFC 3848 §2 and RFC 8314: a protocol name ending in S says TLS was used (ESMTPS, ESMTPSA…).
const TLS_PROTOCOL = /^(?:(?:E?SMTP|UTF8SMTP|UTF8LMTP|LMTP)SA?|HTTPS|IMAPS|POP3S)$/i;
// The ways MTAs write a protocol version: TLS1_2, TLS1.3, TLSv1.3, SSLv3.
const VERSION_FORMS = /^(TLS|SSL)v?(\d)(?:[._](\d))?$/i;

/** `TLSv1.3` for `TLS1_3`, `TLS1.3` and `TLSv1.3`; other text as written. */
export function normalizeTlsVersion(version: string): string {
  // Postfix, Sendmail and Haraka write it normalised already ("TLSv1.3"): no pattern needed.
  if (version.length === 7 && version.startsWith("TLSv") && version[5] === ".") {
    const major = version.charCodeAt(4);
    const minor = version.charCodeAt(6);
    if (major >= 48 && major <= 57 && minor >= 48 && minor <= 57) return version;
  }
  const match = VERSION_FORMS.exec(version);
  if (!match) return version;
  return `${match[1].toUpperCase()}v${match[2]}${match[3] === undefined ? "" : `.${match[3]}`}`;
}

/**
 * What a Received field says about TLS: from its comments, an Exim/Haraka `tls CIPHER` word
 * pair, or a protocol name that implies TLS; `undefined` when it says nothing.
 *
 * @example
 * ```ts
 * readTls([{ kind: "comment", text: "version=TLS1_2 cipher=AES256" }], undefined);
 * // { version: "TLSv1.2", cipher: "AES256" }
 * ```
 */
export function readTls(
  tokens: ReceivedToken[],
  protocol: string | undefined,
): TlsInfo | undefined {
  const found: TlsInfo = {};
  let any = false;
  for (let i = 0; i < tokens.length; i++) {
    const { kind, text } = tokens[i];
    if (kind === "word") {
      // Exim and Haraka: "tls CIPHER" after the protocol.
      const next = tokens[i + 1];
      if (isKeyword(text, "tls") && next?.kind === "word") {
        found.cipher ??= next.text;
        any = true;
      }
    } else if (MENTIONS_TLS.test(text)) any = readTlsComment(text, found) || any;
  }
  if (protocol !== undefined && TLS_PROTOCOL.test(protocol)) any = true;
  return any ? found : undefined;
}

/**
 * The forms a comment writes TLS in, most specific first; what it names goes into `found`
 * where that is still empty. Returns whether the comment spoke of TLS at all.
 */
function readTlsComment(text: string, found: TlsInfo): boolean {
  let version: string | undefined;
  let cipher: string | undefined;
  const postfix = POSTFIX.exec(text);
  if (postfix) [version, cipher] = [postfix[1], postfix[2]];
  else {
    version = VERSION_TAG.exec(text)?.[1];
    cipher = CIPHER_TAG.exec(text)?.[1];
    const exim = version || cipher ? null : EXIM.exec(text);
    if (exim) [version, cipher] = [exim[1].length > 3 ? exim[1] : undefined, exim[2]];
    else if (!version && !cipher && !TLS_PRESENT.test(text)) return false;
  }
  if (version && !found.version) found.version = normalizeTlsVersion(version);
  if (cipher && !found.cipher) found.cipher = cipher;
  return true;
}
