/**
 * What `postie parse` prints: the summary headers, the MIME tree table, every header, and
 * the JSON shape of a part tree.
 *
 * @module
 */

import { findField, type MessagePart, parseDate, walkParts } from "../lib/message/mod.ts";
import type { Palette } from "./color.ts";

/** The header fields the default output shows, in order. */
export const SUMMARY_FIELDS = ["From", "To", "Cc", "Subject", "Date", "Message-ID"] as const;

/** `From:` … `Message-ID:`, decoded; the Date also as an ISO instant. */
export function renderSummary(root: MessagePart, colors: Palette): string {
  const lines: string[] = [];
  for (const name of SUMMARY_FIELDS) {
    const field = findField(root.headers, name);
    if (!field) continue;
    let value = field.value;
    if (name === "Date") {
      const instant = parseDate(value);
      value += instant ? colors.dim(` (${instant.toISOString()})`) : colors.yellow(" (unreadable)");
    }
    lines.push(`${colors.bold(`${name}:`.padEnd(12))}${value}`);
  }
  return lines.join("\n");
}

/**
 * The part tree as an indented table: path, type, name, transfer encoding, size (decoded
 * for leaves, as encoded for multipart and message parts), then each warning.
 */
export function renderTree(root: MessagePart, colors: Palette): string {
  const rows = [...walkParts(root)].map((part) => {
    const indent = "  ".repeat(part.path.split(".").length - 1);
    return {
      part,
      path: indent + part.path,
      type: part.contentType.mediaType,
      name: part.filename ?? "",
      encoding: part.transferEncoding,
      size: formatSize(part.sha256 === undefined ? part.encodedSize : part.decodedSize),
    };
  });
  const width = (key: "path" | "type" | "name") =>
    Math.max(key.length, ...rows.map((row) => row[key].length));
  const [pathW, typeW, nameW] = [width("path"), width("type"), width("name")];
  const header = colors.dim(
    `${"path".padEnd(pathW)}  ${"type".padEnd(typeW)}  ${
      "name".padEnd(nameW)
    }  encoding          size`,
  );
  const lines = [header];
  for (const row of rows) {
    lines.push(
      `${row.path.padEnd(pathW)}  ${colors.cyan(row.type.padEnd(typeW))}  ${
        row.name.padEnd(nameW)
      }  ${row.encoding.padEnd(16)}  ${row.size.padStart(6)}`,
    );
    for (const warning of row.part.warnings) {
      lines.push(colors.yellow(`  ! ${row.part.path}: ${warning}`));
    }
  }
  return lines.join("\n");
}

/** Every header field of `part`, decoded, in order, one per line. */
export function renderHeaders(part: MessagePart, colors: Palette): string {
  return part.headers.map((field) => `${colors.bold(`${field.name}:`)} ${field.value}`).join("\n");
}

/** A size for people: octets below 10 kB, then kB, MB with one decimal. */
export function formatSize(octets: number): string {
  if (octets < 10_000) return `${octets}`;
  if (octets < 10_000_000) return `${(octets / 1000).toFixed(1)}k`;
  return `${(octets / 1_000_000).toFixed(1)}M`;
}

/** One node of `postie parse --json` (see the README). */
export interface PartJson {
  path: string;
  contentType: string;
  params: Record<string, string>;
  disposition: string | null;
  filename: string | null;
  transferEncoding: string;
  charset: string | null;
  headerOffset: number;
  bodyOffset: number;
  endOffset: number;
  encodedSize: number;
  decodedSize: number;
  sha256: string | null;
  warnings: string[];
  children: PartJson[];
}

/** The JSON form of a part and its subtree. */
export function partJson(part: MessagePart): PartJson {
  return {
    path: part.path,
    contentType: part.contentType.mediaType,
    params: part.contentType.params,
    disposition: part.disposition?.type ?? null,
    filename: part.filename ?? null,
    transferEncoding: part.transferEncoding,
    charset: part.charset ?? null,
    headerOffset: part.headerOffset,
    bodyOffset: part.bodyOffset,
    endOffset: part.endOffset,
    encodedSize: part.encodedSize,
    decodedSize: part.decodedSize,
    sha256: part.sha256 ?? null,
    warnings: part.warnings,
    children: part.children.map(partJson),
  };
}

/** The summary fields as JSON: decoded strings (null when absent), the date as ISO 8601. */
export function summaryJson(root: MessagePart): Record<string, string | null> {
  const value = (name: string) => findField(root.headers, name)?.value ?? null;
  const date = value("Date");
  return {
    from: value("From"),
    to: value("To"),
    cc: value("Cc"),
    subject: value("Subject"),
    date,
    dateInstant: date === null ? null : parseDate(date)?.toISOString() ?? null,
    messageId: value("Message-ID"),
  };
}
