/**
 * The header fields a trace reads, sorted out in one pass by name and parsed once, so that no
 * check scans the header again: Received and X-Received, Authentication-Results,
 * Received-SPF, DKIM-Signature, the ARC sets, Date, From, Return-Path and Message-ID.
 *
 * @module
 */

import { parseDate } from "../message/date_parser.ts";
import type { HeaderField } from "../message/header.ts";
import { type ArcChain, readArcChain } from "./arc.ts";
import {
  type AuthenticationResults,
  parseAuthenticationResults,
} from "./authentication_results.ts";
import { type DkimSignature, parseDkimSignature } from "./dkim_signature.ts";
import type { PlacedReceived } from "./hop.ts";
import { isKeyword, startsWithKeyword } from "./keyword.ts";
import { parseReceived } from "./received_parser.ts";
import { parseReceivedSpf, type ReceivedSpf } from "./received_spf.ts";
// RFC 5321 §4.4: the angle brackets around a Return-Path's reverse-path.
const PATH_BRACKETS = /^<\s*|\s*>$/g;

/** A parsed field with where it stood in the header (0 is the top). */
export interface Placed<T> {
  /** The parsed value. */
  value: T;
  /** The field's position among all header fields. */
  fieldIndex: number;
}

/** What a trace reads from a header, top first where there can be several. */
export interface TraceHeader {
  /** RFC 5321 §4.4 Received fields, parsed, top first. */
  received: PlacedReceived[];
  /**
   * X-Received fields, parsed like Received, top first: Gmail and Microsoft write them for
   * handoffs inside their own systems. They are notes, not hops: they name internal addresses
   * and stand outside the RFC 5321 §4.4 chain.
   */
  xReceived: PlacedReceived[];
  /** RFC 8601 Authentication-Results fields. */
  authenticationResults: Placed<AuthenticationResults>[];
  /** RFC 7208 §9.1 Received-SPF fields. */
  receivedSpf: Placed<ReceivedSpf>[];
  /** RFC 6376 DKIM-Signature fields, top first. */
  dkimSignatures: DkimSignature[];
  /** RFC 8617 ARC sets. */
  arc: ArcChain;
  /** RFC 5322 §3.6.1: the (first) Date field as an instant, when it parses. */
  date?: Date;
  /** The first From field's value, unfolded. */
  from?: string;
  /** RFC 5321 §4.4: the topmost Return-Path's reverse-path, brackets removed ("" for `<>`). */
  returnPath?: string;
  /** RFC 5322 §3.6.4: the first Message-ID field's value. */
  messageId?: string;
}

/**
 * Sorts and parses the fields a trace reads; never throws.
 *
 * @example
 * ```ts
 * import { parseHeaderBlock } from "../message/header.ts";
 * const header = readTraceHeader(parseHeaderBlock(
 *   new TextEncoder().encode("Return-Path: <a@b.example>\r\nX-Received: by 10.0.0.1; 1 Jan 2026 00:00 +0000\r\n"),
 *   [],
 * ));
 * header.returnPath;                  // "a@b.example"
 * header.xReceived[0].received.by;    // "10.0.0.1"
 * ```
 */
export function readTraceHeader(fields: readonly HeaderField[]): TraceHeader {
  const header: TraceHeader = {
    received: [],
    xReceived: [],
    authenticationResults: [],
    receivedSpf: [],
    dkimSignatures: [],
    arc: { sets: [], problems: [] },
  };
  const arcFields: HeaderField[] = [];
  fields.forEach((field, fieldIndex) => {
    const name = field.name;
    if (isKeyword(name, "received")) {
      header.received.push({ received: parseReceived(field.unfolded), fieldIndex });
    } else if (isKeyword(name, "x-received")) {
      header.xReceived.push({ received: parseReceived(field.unfolded), fieldIndex });
    } else if (isKeyword(name, "authentication-results")) {
      const value = parseAuthenticationResults(field.unfolded);
      header.authenticationResults.push({ value, fieldIndex });
    } else if (isKeyword(name, "received-spf")) {
      header.receivedSpf.push({ value: parseReceivedSpf(field.unfolded), fieldIndex });
    } else if (isKeyword(name, "dkim-signature")) {
      header.dkimSignatures.push(parseDkimSignature(field.unfolded));
    } else if (startsWithKeyword(name, "arc-")) arcFields.push(field);
    else readSingle(header, name, field);
  });
  if (arcFields.length > 0) header.arc = readArcChain(arcFields);
  return header;
}

/** The fields a trace reads once: the first of each counts. */
function readSingle(header: TraceHeader, name: string, field: HeaderField): void {
  if (isKeyword(name, "date")) {
    if (!("date" in header)) header.date = parseDate(field.unfolded);
  } else if (isKeyword(name, "from")) header.from ??= field.unfolded;
  else if (isKeyword(name, "message-id")) header.messageId ??= field.unfolded;
  else if (isKeyword(name, "return-path") && header.returnPath === undefined) {
    // RFC 5321 §4.4: Return-path-line = "Return-Path:" FWS Reverse-path; "<>" is the null path.
    header.returnPath = field.unfolded.replace(PATH_BRACKETS, "").trim();
  }
}
