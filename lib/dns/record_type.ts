/**
 * The DNS record types postie asks for (RFC 1035 §3.2.2, RFC 3596 §2.1 for AAAA).
 *
 * @module
 */

/** Record type codes by mnemonic. */
export const RecordType = {
  A: 1,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
} as const;

/** A record type mnemonic postie can ask for. */
export type QueryType = "A" | "AAAA" | "CNAME" | "MX" | "PTR" | "TXT";

/** The record data postie decodes, by query type. */
export interface RecordData {
  A: string;
  AAAA: string;
  CNAME: string;
  PTR: string;
  MX: { preference: number; exchange: string };
  TXT: string;
}
