/**
 * An SMTP reply written on one line, for reports and error messages.
 *
 * @module
 */

import { formatEnhancedStatus, type Reply } from "../wire/reply.ts";

/**
 * A reply on one line, its lines joined with " / ", e.g. `554 5.7.1 no service`.
 *
 * @example
 * ```ts
 * replyText({ code: 250, lines: ["mx.example.com", "PIPELINING"] }); // "250 mx.example.com / PIPELINING"
 * ```
 */
export function replyText(reply: Reply): string {
  const status = reply.enhanced ? ` ${formatEnhancedStatus(reply.enhanced)}` : "";
  return `${reply.code}${status} ${reply.lines.join(" / ")}`.trimEnd();
}
