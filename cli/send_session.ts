import type {
  ClientConnectionOptions,
  ClientSessionOptions,
  MailTransaction,
  SaslMechanismName,
} from "../lib/smtp/client/mod.ts";
import type { NotifyCondition } from "../lib/wire/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { SendInputError, type SendOptions } from "./send_run.ts";

/** RFC 8314 §3.3: the submission port for implicit TLS. */
export const IMPLICIT_TLS_PORT = 465;

/** The SMTP port. */
const SMTP_PORT = 25;

/** The session options (STARTTLS, AUTH, CHUNKING, LMTP) and TLS settings the flags ask for. */
export interface SendProtocol {
  /** For each {@linkcode ClientSession}, beside its name and transactions. */
  session: Omit<ClientSessionOptions, "clientName" | "transactions">;
  /** For the connection: the CAs to trust, or none (`--insecure`). */
  tls: NonNullable<ClientConnectionOptions["tls"]>;
}

/**
 * Reads the protocol flags: `--starttls[=opportunistic]`, `--tls`, `--ca`, `--insecure`,
 * `--auth[=MECH]` with `--auth-user` and the password (`--auth-password`, `POSTIE_PASSWORD`,
 * or a prompt on a TTY), `--no-chunking`, `--lmtp`. Throws {@linkcode SendInputError}.
 */
export async function sendProtocol(options: SendOptions): Promise<SendProtocol> {
  const starttls = options.starttls === undefined
    ? undefined
    : options.starttls === "opportunistic"
    ? "opportunistic" as const
    : "require" as const;
  return {
    session: {
      quitAfter: options.quitAfter,
      starttls,
      secure: options.tls,
      auth: await credentials(options),
      chunking: options.chunking,
      lmtp: options.lmtp,
    },
    tls: {
      caCerts: options.ca === undefined ? undefined : await caCertificates(options.ca),
      insecure: options.insecure,
    },
  };
}

/** `--notify`, `--ret`, `--envid` on the envelope, with ORCPT for each recipient (RFC 3461). */
export function withDsn(transaction: MailTransaction, options: SendOptions): MailTransaction {
  const dsn = options.notify !== undefined || options.ret !== undefined ||
    options.envid !== undefined;
  if (!dsn) return transaction;
  return {
    ...transaction,
    ret: options.ret,
    envid: options.envid,
    recipients: transaction.recipients.map((r) => ({
      ...r,
      notify: options.notify as NotifyCondition[] | undefined,
      // RFC 3461 §4.2: ORCPT names the recipient as given; rfc822 types only ASCII addresses.
      ...(/^[\x21-\x7e]+$/.test(r.forwardPath) &&
        { orcpt: { addrType: "rfc822", address: r.forwardPath } }),
    })),
  };
}

/** The port when `--server` named none: 465 with `--tls`, else 25 (RFC 5321 §4.5.4.2). */
export function serverPort(options: SendOptions): number {
  return options.tls ? IMPLICIT_TLS_PORT : SMTP_PORT;
}

async function credentials(options: SendOptions): Promise<ClientSessionOptions["auth"]> {
  const username = options.authUser;
  if (username === undefined) {
    if (options.auth === undefined) return undefined;
    throw new SendInputError(ExitCode.Usage, "--auth needs --auth-user");
  }
  const password = options.authPassword ?? Deno.env.get("POSTIE_PASSWORD") ??
    (Deno.stdin.isTerminal() ? await promptPassword(username) : undefined);
  if (password === undefined) {
    throw new SendInputError(
      ExitCode.Usage,
      "--auth-user needs a password: --auth-password, POSTIE_PASSWORD, or a terminal to ask on",
    );
  }
  const mechanism = typeof options.auth === "string"
    ? options.auth.toUpperCase() as SaslMechanismName
    : undefined;
  return { username, password, mechanism };
}

/** Each certificate of a PEM file. */
async function caCertificates(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new SendInputError(ExitCode.NoInput, `--ca: cannot read ${file}: ${String(error)}`);
  }
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  if (certificates === null) {
    throw new SendInputError(ExitCode.DataErr, `--ca: no PEM certificate in ${file}`);
  }
  return certificates;
}

/** Asks for the password on the terminal, without echo. */
async function promptPassword(username: string): Promise<string> {
  const encoder = new TextEncoder();
  const typed: number[] = [];
  const buffer = new Uint8Array(64);
  Deno.stdin.setRaw(true); // before the prompt: what is typed after it is never echoed
  try {
    await Deno.stderr.write(encoder.encode(`Password for ${username}: `));
    for (let n = await Deno.stdin.read(buffer); n !== null; n = await Deno.stdin.read(buffer)) {
      for (const byte of buffer.subarray(0, n)) {
        if (byte === 0x0d || byte === 0x0a) return new TextDecoder().decode(new Uint8Array(typed));
        if (byte === 0x03) throw new SendInputError(ExitCode.Usage, "interrupted");
        if (byte === 0x7f || byte === 0x08) typed.pop();
        else typed.push(byte);
      }
    }
    throw new SendInputError(ExitCode.Usage, "no password given");
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(encoder.encode("\n"));
  }
}
