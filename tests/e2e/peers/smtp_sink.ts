/**
 * Postfix's `smtp-sink`: a fast C SMTP server that accepts and discards every message.
 *
 * @module
 */

import { PeerMissingError, peerPath } from "./catalog.ts";
import { type ListeningPeer, startListening } from "./process.ts";

/** Options of {@linkcode startSmtpSink}. */
export interface SmtpSinkOptions {
  /** Listen backlog, the last argument of smtp-sink; 1000 by default. */
  backlog?: number;
  /** Extra smtp-sink flags, e.g. `["-d", dir]` to dump messages or `["-c"]` to count. */
  args?: string[];
}

/**
 * Starts `smtp-sink` on a free loopback port (as root with `-u nobody`, which it requires).
 *
 * @example
 * ```ts
 * const sink = await startSmtpSink();
 * // ... send to 127.0.0.1:sink.port ...
 * await sink.stop();
 * ```
 */
export function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<ListeningPeer> {
  const path = peerPath("smtp-sink");
  if (!path) throw new PeerMissingError("smtp-sink");
  const user = Deno.uid() === 0 ? ["-u", "nobody"] : [];
  const extra = opts.args ?? [];
  const backlog = String(opts.backlog ?? 1000);
  return startListening((port) => [path, ...user, ...extra, `127.0.0.1:${port}`, backlog]);
}
