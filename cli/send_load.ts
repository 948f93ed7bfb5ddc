/**
 * `postie send --count N --concurrency C`: load mode. N messages over C connections, each
 * connection carrying message after message (one SMTP session, many mail transactions), with
 * a progress bar on a terminal and a summary: messages per second, latency percentiles,
 * failures by reply code.
 *
 * @module
 */

import {
  ClientSession,
  type ClientTransaction,
  type MailTransaction,
} from "../lib/smtp/client/mod.ts";
import { runLoadConnection } from "./send_load_connection.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { LoadStats, type LoadSummary } from "./send_load_stats.ts";
import type { MessageTemplate } from "./send_load_template.ts";
import type { HostPort } from "./values.ts";

/** How a load run goes: where, how much, how wide. */
export interface LoadPlan {
  /** The server every connection goes to. */
  server: HostPort;
  /** N: messages to send. */
  count: number;
  /** C: connections at once (at most N). */
  concurrency: number;
  /** The name given in EHLO. */
  clientName: string;
  /** Time limit of each connection attempt, read and write, ms. */
  timeoutMs: number;
  /** Called after each message's outcome, e.g. to redraw a progress bar. */
  onProgress?: (stats: LoadStats) => void;
}

/**
 * Sends `plan.count` copies of `template` (each with its own `{n}` and `{uuid}`) over
 * `plan.concurrency` connections and returns the figures.
 *
 * @example
 * ```ts ignore
 * const template = new MessageTemplate(new TextEncoder().encode("Subject: {n}\r\n\r\nhi\r\n"));
 * const summary = await sendLoad(template, transaction, {
 *   server: { hostname: "127.0.0.1", port: 1025 }, count: 1000, concurrency: 10,
 *   clientName: "client.test", timeoutMs: 60_000,
 * });
 * summary.messagesPerSecond;
 * ```
 */
export async function sendLoad(
  template: MessageTemplate,
  transaction: MailTransaction,
  plan: LoadPlan,
): Promise<LoadSummary> {
  const stats = new LoadStats(plan.count);
  const claim = counter(plan.count);
  // RFC 1870 §6: SIZE declares the largest message this run sends.
  const sized = { ...transaction, size: template.maxSize };
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: Math.min(plan.concurrency, plan.count) },
      () => connectionLoop(template, sized, plan, stats, claim),
    ),
  );
  return stats.summary((performance.now() - started) / 1000);
}

/** Hands out message numbers 1 to `count`, then undefined. */
function counter(count: number): () => number | undefined {
  let claimed = 0;
  return () => (claimed < count ? ++claimed : undefined);
}

/**
 * Messages one session carries before it ends with QUIT and a new one starts: a session keeps
 * every transaction's replies, so this bounds memory (as Postfix bounds reuse with
 * smtp_connection_reuse_count_limit) at a reconnection per hundred messages.
 */
export const MESSAGES_PER_SESSION = 100;

/**
 * One connection's share: sessions one after another until the messages run out. A session
 * that ends early (refused, 421, a lost link) costs the messages it had in flight, or one
 * message if it failed before any, so a server that refuses everything ends the run after N
 * attempts.
 */
async function connectionLoop(
  template: MessageTemplate,
  transaction: MailTransaction,
  plan: LoadPlan,
  stats: LoadStats,
  claim: () => number | undefined,
): Promise<void> {
  let current: Uint8Array[] = [];
  const commandCache = new Map<string, Uint8Array>();
  for (;;) {
    const session = new ClientSession({
      clientName: plan.clientName,
      // DATA, never BDAT (RFC 3030): the template is dot-stuffed once, for DATA.
      chunking: false,
      transactions: [],
      keepOpen: true,
    });
    /** When each message in flight was asked for (its MAIL written), oldest first. */
    const inFlight: number[] = [];
    let asked = 0;
    let settled = 0;
    const error = await runLoadConnection(session, {
      ...plan.server,
      timeoutMs: plan.timeoutMs,
      commandCache,
      content: () => current,
      nextTransaction: () => {
        const n = asked < MESSAGES_PER_SESSION ? claim() : undefined;
        if (n === undefined) return undefined;
        asked++;
        current = template.render(n);
        inFlight.push(performance.now());
        return transaction;
      },
      onTransactionEnd: (ended) => {
        settled++;
        settleMessage(stats, ended, performance.now() - inFlight.shift()!, false);
        plan.onProgress?.(stats);
      },
    });
    const clean = error === undefined && session.failure === undefined;
    if (clean && asked < MESSAGES_PER_SESSION) return; // QUIT: no message left to claim
    // The transaction under way, if one was, then any message asked for ahead of it.
    const underWay = session.transactions.length > settled
      ? session.transactions.at(-1)
      : undefined;
    const sessionKey = failureKey(session.failure?.reply?.code, error !== undefined);
    for (const [i, sentAt] of inFlight.entries()) {
      if (i === 0 && underWay) settleMessage(stats, underWay, performance.now() - sentAt, !clean);
      else stats.fail(sessionKey);
    }
    if (asked === 0) {
      if (claim() === undefined) return;
      stats.fail(sessionKey);
    }
    plan.onProgress?.(stats);
  }
}

/** Counts one message: accepted for every recipient, or failed by the code that said no. */
function settleMessage(
  stats: LoadStats,
  transaction: ClientTransaction | undefined,
  latencyMs: number,
  linkFailed: boolean,
): void {
  if (transaction?.delivered) return stats.accept(latencyMs);
  const refusal = transaction?.failure?.reply ??
    transaction?.recipients.find((r) => r.reply !== undefined && r.reply.code >= 300)?.reply;
  const key = failureKey(refusal?.code, linkFailed);
  stats.fail(key, key === "connection" ? undefined : latencyMs);
}

/** A reply code as the failure's key; "connection" for a lost link; "client" for a refusal. */
function failureKey(code: number | undefined, linkFailed: boolean): string {
  if (code !== undefined) return String(code);
  return linkFailed ? "connection" : "client";
}

/** The exit code of a load run: 0 all accepted, 69 any 5xx or client refusal, else 75. */
export function loadExitCode(summary: LoadSummary): number {
  if (summary.accepted === summary.messages) return ExitCode.Ok;
  const keys = Object.keys(summary.failures);
  if (keys.some((key) => key.startsWith("5") || key === "client")) return ExitCode.Unavailable;
  return ExitCode.TempFail;
}
