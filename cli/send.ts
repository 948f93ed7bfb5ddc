import { Command, Option } from "@commander-js/extra-typings";
import { parsed } from "./parsed_option.ts";
import { parseDuration, parseHostPort, parsePort } from "./values.ts";

/** `postie send`'s defaults, named once and shown in `--help`. */
export const SEND_DEFAULTS = { port: "25", timeout: "60s" } as const;

/** The steps `--quit-after` can stop at. */
export const QUIT_AFTER_STEPS = ["connect", "banner", "ehlo", "mail", "rcpt", "data"] as const;

/** `postie send`: an SMTP client for scripts and debugging. */
export function sendCommand() {
  return new Command("send")
    .summary("send a message over SMTP (a swaks-class client)")
    .description(
      "Sends a message over SMTP: a file as is (--data), or a plain-text message " +
        "composed from --subject and --body (Date, Message-ID, From/To/Cc; non-ASCII as RFC " +
        "2047 words and quoted-printable; Bcc recipients only in the envelope). EHLO with a " +
        "fallback to HELO, PIPELINING when offered, SIZE, SMTPUTF8 when an address needs it. " +
        "Without --server, each recipient domain's MX hosts are tried in preference order " +
        "(RFC 5321 §5.1), one session per domain. No STARTTLS or AUTH yet. Exit codes: 0 " +
        "accepted for every recipient, 69 a 5xx or a null MX, 75 a 4xx, a connection or DNS " +
        "failure, 68 a domain that does not exist, 64 usage, 66 input file missing, 65 bad " +
        "message input.",
    )
    .addOption(
      new Option(
        "--server <host[:port]>",
        `SMTP server (port ${SEND_DEFAULTS.port} if none); default: each recipient domain's MX`,
      ).argParser((text: string) => parseHostPort(text, Number(SEND_DEFAULTS.port))),
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
        .conflicts(["subject", "body", "bodyFile"]),
    )
    .option("--subject <text>", "Subject: of the composed message")
    .addOption(new Option("--body <text>", "text of the composed message").conflicts("bodyFile"))
    .option("--body-file <file>", "read the composed message's text from FILE (UTF-8)")
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
    .option("-v, --verbose", "print the SMTP transcript (-> sent, <- received)")
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
  postie send --from a@example.test --to b@example.com --to c@example.org --body hi --json
  postie send --server mx.example.test --from a@example.test --to b@example.test --body hi \\
      --dkim-key dkim.pem --dkim-selector mail`,
    )
    .action(async (options, command) => {
      if (!options.to && !options.cc && !options.bcc) command.error("give --to, --cc or --bcc");
      if (!options.data && !options.from) command.error("give --from (or --data with a message)");
      if (!options.from && options.envelopeFrom === undefined) {
        command.error("give --from or --envelope-from");
      }
      if (options.dkimKey !== undefined && options.dkimSelector === undefined) {
        command.error("give --dkim-selector with --dkim-key");
      }
      // Loaded on use, so other subcommands (and serve's worker) do not load lib/smtp/client.
      const { runSend } = await import("./send_run.ts");
      Deno.exitCode = await runSend(options);
    });
}
