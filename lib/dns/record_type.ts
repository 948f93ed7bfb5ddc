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
  /** An IPv4 address in dotted-decimal form (RFC 1035 §3.4.1). */
  A: string;
  /** An IPv6 address in text form (RFC 3596 §2.2). */
  AAAA: string;
  /** The canonical name, no final dot (RFC 1035 §3.3.1). */
  CNAME: string;
  /** The domain name pointed to, no final dot (RFC 1035 §3.3.12). */
  PTR: string;
  /** PREFERENCE and EXCHANGE (RFC 1035 §3.3.9). */
  MX: { preference: number; exchange: string };
  /** The character-strings joined (RFC 7208 §3.3). */
  TXT: string;
}
