import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { parsed } from "./parsed_option.ts";
import { attachmentOptions, collect } from "./send_compose.ts";
import { parseDuration, parseHostPort, parsePort, parsePositiveInt } from "./values.ts";

/** `postie send`'s defaults, named once and shown in `--help`. */
export const SEND_DEFAULTS = {
  port: "25",
  tlsPort: "465",
  timeout: "60s",
  concurrency: "1",
} as const;

/** The steps `--quit-after` can stop at. */
export const QUIT_AFTER_STEPS = [
  "connect",
  "banner",
  "ehlo",
  "tls",
  "auth",
  "mail",
  "rcpt",
  "data",
] as const;

/** AUTH mechanisms `--auth` can force (RFC 4954). */
const AUTH_MECHANISMS = ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"];

/** `--starttls` alone means require; `--starttls=opportunistic` uses it when offered. */
function parseStarttls(mode: string): "require" | "opportunistic" {
  if (mode === "require" || mode === "opportunistic") return mode;
  throw new InvalidArgumentError(`expected "require" or "opportunistic", got "${mode}"`);
}

function parseMechanism(text: string): string {
  const name = text.toUpperCase();
  if (AUTH_MECHANISMS.includes(name)) return name;
  throw new InvalidArgumentError(`expected one of ${AUTH_MECHANISMS.join(", ")}, got "${text}"`);
}

/** RFC 3461 §4.1: NEVER alone, or any of SUCCESS, FAILURE, DELAY. */
function parseNotify(text: string): string[] {
  const conditions = text.toUpperCase().split(",").map((c) => c.trim());
  const valid = conditions.includes("NEVER")
    ? conditions.length === 1
    : conditions.every((c) => ["SUCCESS", "FAILURE", "DELAY"].includes(c));
  if (valid) return conditions;
  throw new InvalidArgumentError(`expected NEVER or SUCCESS,FAILURE,DELAY, got "${text}"`);
}

/**
 * Flags load mode refuses: it speaks plain SMTP with DATA over its own connections, a
 * transcript of N messages helps nobody, and a DKIM signature would not survive the
 * placeholders filled in after signing.
 */
const LOAD_MODE_CONFLICTS = [
  "quitAfter",
  "verbose",
  "starttls",
  "tls",
  "auth",
  "authUser",
  "lmtp",
  "dkimKey",
];

/** `postie send`: an SMTP client for scripts and debugging. */
export function sendCommand() {
  const attachment = attachmentOptions();
  return new Command("send")
    .summary("send a message over SMTP (a swaks-class client)")
    .description(
      "Sends a message over SMTP: a file as is (--data), or a MIME message composed " +
        "from --subject, --body, --html, --attach and --inline (Date, Message-ID, From/To/Cc; " +
        "non-ASCII headers as RFC 2047 words, file names as RFC 2231; text parts 7bit, " +
        "quoted-printable or base64 by content, files base64, streamed from disk; Bcc " +
        "recipients only in the envelope). An --html body goes with a plain-text part (derived " +
        'from the HTML without --body); it shows an --inline image as <img src="cid:NAME">, ' +
        "NAME being the file's name. --dump prints the message instead of sending it. EHLO with a " +
        "fallback to HELO, PIPELINING when offered, SIZE, SMTPUTF8 when an address needs it. " +
        "Without --server, each recipient domain's MX hosts are tried in preference order " +
        "(RFC 5321 §5.1), one session per domain. STARTTLS (--starttls) or implicit TLS " +
        "(--tls), certificates verified; AUTH PLAIN, LOGIN, CRAM-MD5, XOAUTH2; BDAT when " +
        "offered; DSN parameters when offered; LMTP (--lmtp). Exit codes: 0 " +
        "accepted for every recipient, 69 a 5xx or a null MX, 75 a 4xx, a connection or DNS " +
        "failure, 68 a domain that does not exist, 64 usage, 66 input file missing, 65 bad " +
        "message input.",
    )
    .addOption(
      new Option(
        "--server <host[:port]>",
        `SMTP server (port ${SEND_DEFAULTS.port}, or ${SEND_DEFAULTS.tlsPort} with --tls, if ` +
          "none); default: each recipient domain's MX",
      ).argParser((text: string) => parseHostPort(text, 0)), // 0: none given
    )
    .addOption(parsed("--port <n>", "port of the MX hosts", parsePort, SEND_DEFAULTS.port))
    .addOption(
      new Option("--resolver <ip[:port]>", "DNS server for MX lookups; default: the system's")
        .argParser((text: string) => parseHostPort(text, 53)),
    )
    .option("--from <address>", "From: mailbox (also the envelope sender)")
    .option("--to <address...>", "To: recipient (repeatable, or a comma-separated list)")
    .option("--cc <address...>", "Cc: recipient (repeatable)")
    .option("--bcc <address...>", "recipient in the envelope only, never in the headers")
    .option("--envelope-from <address>", "MAIL FROM address if not the From address ('' for <>)")
    .option("--helo <name>", "name given in EHLO/HELO; default: this host's name")
    .addOption(
      new Option("--data <file>", "send FILE (or - for stdin) as the whole message, as is")
        .conflicts(["subject", "body", "bodyFile", "html", "attach", "inline", "header"]),
    )
    .option("--subject <text>", "Subject: of the composed message")
    .addOption(new Option("--body <text>", "text of the composed message").conflicts("bodyFile"))
    .option(
      "--body-file <file>",
      "read the composed message's text from FILE (UTF-8, - for stdin); without --body, " +
        "--body-file or --html, piped stdin is the text",
    )
    .option("--html <file>", "HTML body from FILE (UTF-8), with the text as multipart/alternative")
    .addOption(attachment.attach)
    .addOption(attachment.attachType)
    .option(
      "--inline <file>",
      "image the HTML shows as cid:NAME (NAME: the file's name; repeatable)",
      collect,
    )
    .option(
      "--header <field>",
      '"Name: value" in the composed message, replacing a generated field (repeatable)',
      collect,
    )
    .option(
      "--add-header <field>",
      '"Name: value" put in front of the message (repeatable)',
      collect,
    )
    .option("--dump", "print the message to stdout instead of sending it (no server needed)")
    .addOption(
      new Option("--quit-after <step>", "stop after this step and QUIT (data: close after 354)")
        .choices(QUIT_AFTER_STEPS),
    )
    .option(
      "--dkim-key <file>",
      "sign with this DKIM private key (PEM, RSA or Ed25519; relaxed/relaxed); the message is " +
        "read twice, once to sign, and --data - (stdin) is held in memory",
    )
    .option("--dkim-selector <selector>", "DKIM selector (s=), needed with --dkim-key")
    .option("--dkim-domain <domain>", "DKIM signing domain (d=); default: the From domain")
    .addOption(
      new Option(
        "--count <n>",
        "load mode: send N messages, {n} and {uuid} in --subject, --body and --data filled " +
          "in per message; prints messages/s and latency percentiles",
      ).argParser(parsePositiveInt).conflicts(LOAD_MODE_CONFLICTS),
    )
    .addOption(
      new Option(
        "--concurrency <n>",
        `load mode: connections at once, each reused (default: ${SEND_DEFAULTS.concurrency})`,
      ).argParser(parsePositiveInt),
    )
    .addOption(
      new Option("--starttls [mode]", "STARTTLS, or exit 75 if refused; =opportunistic: if offered")
        .argParser(parseStarttls).conflicts("tls"),
    )
    .option("--tls", `implicit TLS from the start (port ${SEND_DEFAULTS.tlsPort} by default)`)
    .option("--ca <file>", "trust the CA certificates in FILE (PEM) instead of the system's")
    .option("--insecure", "accept any server certificate (still encrypted, not authenticated)")
    .addOption(
      new Option("--auth [mechanism]", `AUTH, forcing ${AUTH_MECHANISMS.join(", ")}`)
        .argParser(parseMechanism),
    )
    .option("--auth-user <name>", "AUTH user name (the best mechanism offered unless --auth)")
    .option(
      "--auth-password <password>",
      "AUTH password (XOAUTH2: the token); else POSTIE_PASSWORD, else asked on a terminal",
    )
    .option("--show-secrets", "show AUTH credentials in the transcript instead of ********")
    .option("--no-chunking", "send DATA even when the server offers CHUNKING (BDAT)")
    .addOption(
      new Option("--notify <conditions>", "DSN: NEVER, or SUCCESS,FAILURE,DELAY (RFC 3461)")
        .argParser(parseNotify),
    )
    .addOption(
      new Option("--ret <what>", "DSN: return FULL message or HDRS").choices(["FULL", "HDRS"]),
    )
    .option("--envid <id>", "DSN: envelope id returned in DSNs")
    .option("--lmtp", "speak LMTP (RFC 2033): LHLO, one reply per recipient after the data")
    .option(
      "-v, --verbose",
      "print the SMTP transcript (-> sent, <- received, ~> <~ over TLS, ** failures); " +
        "-vv: the whole message",
      (_: string, level: number) => level + 1,
      0,
    )
    .option("--timing", "with -v: elapsed milliseconds on each transcript line")
    .addOption(
      parsed(
        "--timeout <duration>",
        "time limit of the connection attempt and of each read and write",
        parseDuration,
        SEND_DEFAULTS.timeout,
      ),
    )
    .option("--json", "print one JSON result: server, capabilities, replies, queue id, timings")
    .addHelpText(
      "after",
      `
Examples:
  postie send --server 127.0.0.1:1025 --from a@example.test --to b@example.test --body hi
  postie send --server mx.example.test --from a@example.test --to b@example.test \\
      --subject "Grüße" --body-file note.txt -v --timing
  postie send --server 127.0.0.1:1025 --envelope-from a@example.test --to b@example.test \\
      --data message.eml --json
  postie send --server mx.example.test --from a@example.test --to b@example.test --quit-after rcpt -v
  postie send --server smtp.example.test:587 --starttls --auth-user me --from me@example.test \
      --to b@example.test --body hi -v          # password from POSTIE_PASSWORD or asked
  postie send --server smtp.example.test --tls --auth PLAIN --auth-user me --from me@example.test \
      --to b@example.test --body hi --notify FAILURE,DELAY --ret HDRS
  postie send --from a@example.test --to b@example.com --to c@example.org --body hi --json
  postie send --server 127.0.0.1:1025 --from a@example.test --to b@example.test \\
      --subject Report --html report.html --inline logo.png --attach report.pdf \\
      --attach-type text/csv --attach data.txt      # report.html shows <img src="cid:logo.png">
  postie send --from a@example.test --body-file note.txt --attach photo.jpg --dump > message.eml
  postie send --server 127.0.0.1:1025 --from a@example.test --to b@example.test \\
      --subject "load {n}" --body "id {uuid}" --count 10000 --concurrency 20
  postie send --server mx.example.test --from a@example.test --to b@example.test --body hi \\
      --dkim-key dkim.pem --dkim-selector mail`,
    )
    .action(async (options, command) => {
      if (!options.dump && !options.to && !options.cc && !options.bcc) {
        command.error("give --to, --cc or --bcc");
      }
      if (!options.data && !options.from) command.error("give --from (or --data with a message)");
      if (!options.dump && !options.from && options.envelopeFrom === undefined) {
        command.error("give --from or --envelope-from");
      }
      if (options.dkimKey !== undefined && options.dkimSelector === undefined) {
        command.error("give --dkim-selector with --dkim-key");
      }
      if (options.concurrency !== undefined && options.count === undefined) {
        command.error("give --count with --concurrency");
      }
      // Loaded on use, so other subcommands (and serve's worker) do not load lib/smtp/client.
      const { runSend } = await import("./send_run.ts");
      Deno.exitCode = await runSend(options);
    });
}
