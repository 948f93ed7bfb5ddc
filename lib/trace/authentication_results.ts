/**
 * Authentication-Results header fields (RFC 8601): who checked the message (authserv-id) and
 * what each method (spf, dkim, dmarc, arc…) concluded.
 *
 * @module
 */

/** One method's result: `spf=pass smtp.mailfrom=example.com`. */
export interface AuthVerdict {
  /** The method, lower case: spf, dkim, dmarc, arc, auth, iprev… */
  method: string;
  /** The result, lower case: pass, fail, softfail, neutral, none, temperror, permerror… */
  result: string;
  /** The properties after it (`header.d=example.com`), as written. */
  properties: string;
}

/** One Authentication-Results field. */
export interface AuthenticationResults {
  /** RFC 8601 §2.5: the authserv-id, the host that says it did the checks. */
  authservId: string;
  /** The results, in order. */
  verdicts: AuthVerdict[];
}

// RFC 8601 §2.2 pieces, compiled once: comments (not nested), a value that starts with a
// result (no authserv-id), the authserv-id's word, "method[/version]=result properties", runs
// of white space.
const COMMENT = /\([^()]*\)/g;
const RESULT_FIRST = /^\s*[\w.-]+\s*=/;
const RESINFO = /^\s*([\w.-]+)(?:\/\d+)?\s*=\s*([\w-]+)\s*(.*)$/s;
const FIRST_WORD = /\S+/;
const SPACES_ALL = /\s+/g;

/**
 * Parses an Authentication-Results value; never throws (a value without an authserv-id gives
 * an empty `authservId`).
 *
 * @example
 * ```ts
 * const results = parseAuthenticationResults("mx.example; spf=pass smtp.mailfrom=a.example");
 * results.verdicts[0].result; // "pass"
 * ```
 */
export function parseAuthenticationResults(value: string): AuthenticationResults {
  // RFC 8601 §2.2: authres-header = authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo )
  const text = value.includes("(") ? value.replace(COMMENT, " ") : value;
  const parts = text.split(";");
  // Exchange Online writes no authserv-id: then the first part is already a result.
  const missingId = RESULT_FIRST.test(parts[0]);
  const authservId = missingId ? "" : FIRST_WORD.exec(parts[0])?.[0] ?? "";
  const verdicts: AuthVerdict[] = [];
  for (let i = missingId ? 0 : 1; i < parts.length; i++) {
    // RFC 8601 §2.2: resinfo = [CFWS] ";" methodspec [ CFWS reasonspec ] [ 1*( CFWS propspec ) ]
    const match = RESINFO.exec(parts[i]);
    const method = match?.[1].toLowerCase();
    if (!match || method === undefined || method === "none") continue;
    verdicts.push({
      method,
      result: match[2].toLowerCase(),
      properties: match[3].replace(SPACES_ALL, " ").trim(),
    });
  }
  return { authservId, verdicts };
}
