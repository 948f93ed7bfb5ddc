/**
 * RFC 2231 parameter value continuations and charsets: `name*0=`, `name*1*=`,
 * `name*=utf-8'en'%E2%82%AC`.
 *
 * @module
 */

import { decodeCharset } from "./charset.ts";
import { decodeEncodedWords } from "./encoded_word.ts";
import type { RawParameter } from "./mime_parameters.ts";

// RFC 2231 §3 and §4: attribute, optional "*" section number, optional "*" for an extended value.
const SECTION = /^([^*]+)(?:\*(\d+))?(\*)?$/;

interface Section {
  index: number;
  extended: boolean;
  value: string;
}

/**
 * Joins RFC 2231 sections into one value per parameter name and decodes extended values
 * with their charset (unknown charsets read as latin1, with a warning). A plain value that
 * carries RFC 2047 encoded-words (not allowed, RFC 2047 §5, but common in `filename=`) is
 * decoded too. The first occurrence of a name wins.
 *
 * @example
 * ```ts
 * combineParameters([
 *   { name: "filename*0*", value: "utf-8''caf%C3%A9" },
 *   { name: "filename*1", value: ".txt" },
 * ], []); // { filename: "café.txt" }
 * ```
 */
export function combineParameters(
  raw: readonly RawParameter[],
  warnings: string[],
): Record<string, string> {
  const groups = new Map<string, Section[]>();
  for (const { name, value } of raw) {
    const match = SECTION.exec(name);
    const base = match ? match[1] : name;
    const index = match?.[2] === undefined ? -1 : Number(match[2]);
    const sections = groups.get(base) ?? [];
    if (sections.some((section) => section.index === index)) continue;
    sections.push({ index, extended: match?.[3] !== undefined, value });
    groups.set(base, sections);
  }
  const params: Record<string, string> = {};
  for (const [name, sections] of groups) {
    params[name] = joinSections(name, sections, warnings);
  }
  return params;
}

function joinSections(name: string, sections: Section[], warnings: string[]): string {
  sections.sort((a, b) => a.index - b.index);
  if (!sections.some((section) => section.extended)) {
    return decodeEncodedWords(sections.map((section) => section.value).join(""));
  }
  // RFC 2231 §4: the first section's value starts with charset'language'.
  let charset = "us-ascii";
  const octets: number[] = [];
  sections.forEach((section, i) => {
    let value = section.value;
    if (i === 0 && section.extended) {
      const parts = value.split("'");
      if (parts.length >= 3) {
        charset = parts[0] || "us-ascii";
        value = parts.slice(2).join("'");
      }
    }
    if (section.extended) percentDecode(value, octets);
    else for (const byte of new TextEncoder().encode(value)) octets.push(byte);
  });
  const decoded = decodeCharset(Uint8Array.from(octets), charset);
  if (!decoded.known) {
    warnings.push(`parameter ${name}: unknown charset "${charset}", read as latin1`);
  }
  return decoded.text;
}

/** RFC 2231 §4: "%" and two hex digits are an octet; other characters stand for themselves. */
function percentDecode(value: string, octets: number[]): void {
  for (let i = 0; i < value.length; i++) {
    const pair = value.slice(i + 1, i + 3);
    if (value[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(pair)) {
      octets.push(parseInt(pair, 16));
      i += 2;
    } else {
      for (const byte of new TextEncoder().encode(value[i])) octets.push(byte);
    }
  }
}
