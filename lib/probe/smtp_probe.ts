/**
 * A live probe of one SMTP server, as a sending MTA meets it: connect, banner, EHLO, the
 * capabilities, STARTTLS and the TLS handshake (RFC 3207), then QUIT; each step timed.
 *
 * @module
 */

import net from "node:net";
import tls from "node:tls";
import type { Reply } from "../wire/reply.ts";
import { describePeerTls, type PeerTls } from "./peer_tls.ts";
import { SMTP_PORT } from "./ports.ts";
import { ReplyReader } from "./reply_reader.ts";
import { replyText } from "./reply_text.ts";

/** The step a probe was at when it stopped. */
export type ProbeStage = "connect" | "banner" | "ehlo" | "starttls" | "tls";

/** Milliseconds each step took; absent for steps not reached. */
export interface ProbeTimings {
  /** TCP connect. */
  connectMs?: number;
  /** From connected to the whole banner. */
  bannerMs?: number;
  /** From EHLO sent to its whole reply (RFC 5321 §4.1.1.1). */
  ehloMs?: number;
  /** From STARTTLS sent to the TLS handshake done. */
  tlsMs?: number;
}

/**
 * How STARTTLS went: `not-offered` (no STARTTLS in EHLO), `refused` (a reply other than 220),
 * `failed` (the handshake failed), `ok`, or `not-tried` (the probe stopped before).
 */
export type StarttlsOutcome = "not-offered" | "refused" | "failed" | "ok" | "not-tried";

/** Everything a probe saw, from {@linkcode probeSmtp}. */
export interface SmtpProbe {
  /** The IP address connected to. */
  address: string;
  /** The TCP port connected to. */
  port: number;
  /** The name the server should answer for (the MX name): sent as SNI and checked. */
  name: string;
  /** How long each step took. */
  timings: ProbeTimings;
  /** The greeting (RFC 5321 §4.2), when one came. */
  banner?: Reply;
  /** The reply to EHLO (RFC 5321 §4.1.1.1), when one came. */
  ehlo?: Reply;
  /** EHLO keywords with their parameters, e.g. `["PIPELINING", "SIZE 10240000"]`. */
  capabilities: string[];
  /** How STARTTLS went (RFC 3207). */
  starttls: StarttlsOutcome;
  /** The reply to STARTTLS. */
  starttlsReply?: Reply;
  /** The TLS session and server certificate, when the handshake completed. */
  tls?: PeerTls;
  /** Why the probe stopped early: the step and what happened. */
  failure?: { stage: ProbeStage; reason: string };
}

/** Options of {@linkcode probeSmtp}. */
export interface SmtpProbeOptions {
  /** The IP address to connect to. */
  address: string;
  /** Default {@linkcode SMTP_PORT}. */
  port?: number;
  /** The MX name. */
  name: string;
  /** Time limit of the whole probe, ms. */
  timeoutMs: number;
  /** The name postie gives in EHLO; default `localhost`. */
  clientName?: string;
  /** The time certificates are judged at. */
  now?: Date;
}

/** The probe ran out of time. */
export class ProbeTimeoutError extends Error {
  /** Creates the error for a limit of `ms`. */
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "ProbeTimeoutError";
  }
}

/** The server answered in a way the probe cannot go on from (no 220 banner, EHLO refused). */
export class UnexpectedReplyError extends Error {
  /** The reply. */
  readonly reply: Reply;

  /** Creates the error: `what` (e.g. "EHLO was answered") and the reply, on one line. */
  constructor(what: string, reply: Reply) {
    super(`${what} ${replyText(reply)}`);
    this.name = "UnexpectedReplyError";
    this.reply = reply;
  }
}

/**
 * Probes one server; never throws: what went wrong is in `failure`, with everything seen
 * before it.
 *
 * @example
 * ```ts
 * const probe = await probeSmtp({ address: "192.0.2.1", name: "mx.example.com", timeoutMs: 5000 });
 * console.log(probe.banner?.code, probe.starttls, probe.tls?.protocol, probe.timings);
 * ```
 */
export async function probeSmtp(options: SmtpProbeOptions): Promise<SmtpProbe> {
  const run = new ProbeRun(options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(options.timeoutMs)), options.timeoutMs);
  });
  timeout.catch(() => {}); // raced below; a rejection after the race is of no interest
  try {
    await Promise.race([run.converse(), timeout]);
  } catch (error) {
    // A server that fails to answer QUIT has still shown everything the probe asks about
    if (!run.quitting) run.probe.failure = { stage: run.stage, reason: (error as Error).message };
  } finally {
    clearTimeout(timer);
    run.close();
  }
  return run.probe;
}

/** One conversation; `stage` says where it is, `probe` what it saw so far. */
class ProbeRun {
  readonly probe: SmtpProbe;
  stage: ProbeStage = "connect";
  /** Set once the probe has seen all it came for and says QUIT. */
  quitting = false;
  readonly #options: SmtpProbeOptions;
  readonly #socket: net.Socket;
  #secure: tls.TLSSocket | undefined;

  constructor(options: SmtpProbeOptions) {
    this.#options = options;
    const { address, name } = options, port = options.port ?? SMTP_PORT;
    this.probe = { address, port, name, timings: {}, capabilities: [], starttls: "not-tried" };
    this.#socket = net.connect({ host: address, port });
  }

  async converse(): Promise<void> {
    const socket = this.#socket, timings = this.probe.timings;
    const replies = new ReplyReader(socket);
    let started = performance.now();
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    timings.connectMs = since(started);
    this.stage = "banner";
    started = performance.now();
    const banner = this.probe.banner = await replies.read();
    timings.bannerMs = since(started);
    // RFC 5321 §4.3.1: 220 greets; 554 means no service here
    if (banner.code !== 220) throw new UnexpectedReplyError("the server greeted with", banner);
    this.stage = "ehlo";
    started = performance.now();
    const ehlo = this.probe.ehlo = await this.#command(replies, socket, `EHLO ${this.#client}`);
    timings.ehloMs = since(started);
    if (ehlo.code !== 250) throw new UnexpectedReplyError("EHLO was answered", ehlo);
    // RFC 5321 §4.1.1.1: the first line greets, each further line is an EHLO keyword
    this.probe.capabilities = ehlo.lines.slice(1);
    if (!this.probe.capabilities.some((line) => /^STARTTLS\b/i.test(line))) {
      this.probe.starttls = "not-offered";
      return await this.#quit(replies, socket);
    }
    this.stage = "starttls";
    await this.#starttls(replies);
  }

  close(): void {
    this.#secure?.destroy();
    this.#socket.destroy();
  }

  get #client(): string {
    return this.#options.clientName ?? "localhost";
  }

  /** RFC 3207 §4: STARTTLS, 220, then the handshake on the same connection. */
  async #starttls(replies: ReplyReader): Promise<void> {
    const started = performance.now();
    const reply = this.probe.starttlsReply = await this.#command(replies, this.#socket, "STARTTLS");
    if (reply.code !== 220) {
      this.probe.starttls = "refused";
      return await this.#quit(replies, this.#socket);
    }
    replies.detach();
    this.stage = "tls";
    const name = this.#options.name;
    const secure = this.#secure = tls.connect({
      socket: this.#socket,
      // RFC 6066 §3: SNI carries a host name, never an address literal
      ...(net.isIP(name) === 0 && { servername: name }),
      rejectUnauthorized: false,
    });
    const secureReplies = new ReplyReader(secure);
    try {
      await new Promise((resolve, reject) => {
        secure.once("secureConnect", resolve);
        secure.once("error", reject);
      });
    } catch (error) {
      this.probe.starttls = "failed";
      throw error;
    }
    this.probe.timings.tlsMs = since(started);
    this.probe.starttls = "ok";
    this.probe.tls = describePeerTls(secure, name, this.#options.now);
    await this.#quit(secureReplies, secure);
  }

  /** RFC 5321 §4.1.1.10: QUIT politely; a server that hangs up instead is no failure. */
  async #quit(replies: ReplyReader, socket: net.Socket): Promise<void> {
    this.quitting = true;
    await this.#command(replies, socket, "QUIT").catch(() => undefined);
  }

  #command(replies: ReplyReader, socket: net.Socket, line: string): Promise<Reply> {
    socket.write(`${line}\r\n`);
    return replies.read();
  }
}

function since(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
