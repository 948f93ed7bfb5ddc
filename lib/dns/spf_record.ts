/**
 * SPF record syntax (RFC 7208 §4.5, §12): picking the SPF record among a domain's TXT
 * records, and parsing it into directives and modifiers.
 *
 * @module
 */

/** A qualifier (RFC 7208 §4.6.2): pass, fail, softfail, neutral. */
export type Qualifier = "+" | "-" | "~" | "?";

/** The mechanisms of RFC 7208 §5. */
export type MechanismName = "all" | "include" | "a" | "mx" | "ptr" | "ip4" | "ip6" | "exists";

/** One term of an SPF record (RFC 7208 §4.6.1). */
export type SpfTerm =
  | { kind: "mechanism"; qualifier: Qualifier; name: MechanismName; value?: string }
  | { kind: "modifier"; name: string; value: string };

/** A parsed SPF record: its terms, or the first syntax error (a permerror, RFC 7208 §4.6). */
export interface SpfRecord {
  /** The record as published. */
  text: string;
  /** The mechanisms and modifiers in record order (RFC 7208 §4.6.1). */
  terms: SpfTerm[];
  /** What makes the record a permerror, e.g. `unknown mechanism "foo"`. */
  error?: string;
}

/** RFC 7208 §4.5: an SPF record starts with "v=spf1" followed by a space or nothing. */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(?: |$)/i.test(text);
}

const MECHANISMS = new Set<string>(["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"]);
const TERM = /^([+\-~?]?)([a-z][a-z0-9_.-]*)(?:([:=/])(.*))?$/i;

/**
 * Parses an SPF record; syntax errors end up in `error`, never thrown.
 *
 * @example
 * ```ts
 * parseSpf("v=spf1 mx include:_spf.example.com -all").terms.length; // 3
 * ```
 */
export function parseSpf(text: string): SpfRecord {
  const terms: SpfTerm[] = [];
  // RFC 7208 §12: terms are separated by one or more spaces
  for (const word of text.split(" ").slice(1).filter((w) => w !== "")) {
    const match = TERM.exec(word);
    const name = match?.[2].toLowerCase() ?? "";
    const [qualifier, separator, value] = [match?.[1], match?.[3], match?.[4]];
    if (match && separator === "=" && !qualifier) {
      // RFC 7208 §6: redirect and exp appear at most once
      if ((name === "redirect" || name === "exp") && terms.some((t) => t.name === name)) {
        return { text, terms, error: `${name}= appears more than once` };
      }
      terms.push({ kind: "modifier", name, value: value ?? "" });
      continue;
    }
    const error = match && MECHANISMS.has(name)
      ? mechanismError(name as MechanismName, separator, value)
      : `unknown term "${word}"`;
    if (error) return { text, terms, error };
    terms.push({
      kind: "mechanism",
      qualifier: (qualifier || "+") as Qualifier,
      name: name as MechanismName,
      // RFC 7208 §5.3, §5.4: "a/24" and "mx/24" carry a CIDR length, not a domain
      value: separator === ":" ? value : undefined,
    });
  }
  return { text, terms };
}

/** RFC 7208 §5: which mechanisms take a domain, an address, or nothing. */
function mechanismError(
  name: MechanismName,
  separator?: string,
  value?: string,
): string | undefined {
  if (name === "all") return separator ? `"all" takes no argument` : undefined;
  if (separator === "=") return `"${name}=" is not a mechanism`;
  const needsValue = name === "include" || name === "exists" || name === "ip4" || name === "ip6";
  if (needsValue && (separator !== ":" || !value)) return `"${name}" needs ":" and a value`;
  if (separator === ":" && !value) return `"${name}:" has an empty value`;
  if (name === "ip4" && !/^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?$/.test(value!)) {
    return `"ip4:${value}" is not an IPv4 network`;
  }
  if (name === "ip6" && !/^[0-9a-f:.]+(?:\/\d{1,3})?$/i.test(value!)) {
    return `"ip6:${value}" is not an IPv6 network`;
  }
  return undefined;
}

/**
 * The target domain of a domain-spec (RFC 7208 §7): `%{d}` and `%{o}` become `domain`;
 * undefined when it uses a macro that depends on the sender (`%{i}`, `%{s}`, `%{l}` …).
 */
export function expandDomainSpec(spec: string, domain: string): string | undefined {
  let dependsOnSender = false;
  const expanded = spec.replace(/%(?:\{([a-z])[^}]*\}|[%_-])/gi, (macro, letter?: string) => {
    if (macro === "%%") return "%";
    if (macro === "%_") return " ";
    if (macro === "%-") return "%20";
    if (/^[do]$/i.test(letter ?? "") && macro.length === 4) return domain;
    dependsOnSender = true;
    return "";
  });
  return dependsOnSender ? undefined : expanded.replace(/\.$/, "");
}
