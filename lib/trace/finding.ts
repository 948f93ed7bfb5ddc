/**
 * A finding: something a trace noticed, with a severity, a stable code for scripts and a
 * one-line message for people; and what every check gets to look at.
 *
 * @module
 */

import type { HeaderField } from "../message/header.ts";
import type { Hop } from "./hop.ts";
import type { TraceHeader } from "./trace_header.ts";
import type { TrustZone } from "./trust.ts";

/** How much a finding matters: `error` suggests forgery or failure, `info` is context. */
export type TraceSeverity = "error" | "warning" | "info";

/** One thing a trace noticed. */
export interface TraceFinding {
  /** How much it matters. */
  severity: TraceSeverity;
  /** A stable kebab-case code: `broken-chain`, `private-ip`, `no-tls`… */
  code: string;
  /** One line for people. */
  message: string;
  /** The hop it is about (1-based travel order), when it is about one. */
  hop?: number;
}

/**
 * What a check reads: the hops, the header fields (and those a trace reads, parsed once), the
 * Date, the trust zone and now.
 */
export interface TraceContext {
  /** The hops in travel order. */
  hops: readonly Hop[];
  /** Every header field, top first. */
  fields: readonly HeaderField[];
  /** The fields a trace reads, parsed. */
  header: TraceHeader;
  /** The Date field as an instant, when it has one. */
  date?: Date;
  /** The recipient's own infrastructure. */
  zone: TrustZone;
  /** The current time, for "in the future". */
  now: Date;
}

/** A check: reads the context, returns its findings. */
export type TraceCheck = (context: TraceContext) => TraceFinding[];
