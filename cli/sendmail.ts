import { Command, Option } from "@commander-js/extra-typings";
import { parsed } from "./parsed_option.ts";
import { parseDuration, parseHostPort } from "./values.ts";

/** `postie sendmail`'s defaults, named once and shown in `--help`: the dev server's address. */
export const SENDMAIL_DEFAULTS = { server: "127.0.0.1:1025", timeout: "60s" } as const;

/** The one `-o` option that means something: `-oi` is `-i`; the rest are accepted and ignored. */
const IGNORE_DOTS_OPTION = "i";

/**
 * `postie sendmail`: the sendmail command line (`-t`, `-i`, `-f`, `-F`, recipients), so PHP's
 * mail(), cron, mutt and git send-email can hand their mail to a server through postie.
 *
 * @example
 * ```ts ignore
 * // printf 'Subject: hi\n\nhello\n' | postie sendmail -f a@x.test b@y.test
 * const program = sendmailCommand();
 * ```
 */
export function sendmailCommand() {
  return new Command("sendmail")
    .summary("sendmail-compatible: read a message on stdin and hand it to an SMTP server")
    .description(
      "Reads a message on standard input and hands it to --server over SMTP, taking the " +
        "sendmail flags PHP's mail(), cron, mutt and git send-email pass. Without -i, a line " +
        "with a single '.' ends the input. A leading mbox 'From ' line is dropped, Bcc fields " +
        "are removed, and From (the sender, with -F's name), Date and Message-ID are added when " +
        "missing. With -t the To, Cc and Bcc fields' addresses are added to those given as " +
        "arguments (as Postfix does). Accepted and ignored: -o with anything but 'i' (-oem, " +
        "-odi, -oee…), -bm (the only mode). The message is read whole before connecting. Exit " +
        "codes (sysexits): 0 accepted for every recipient, 64 usage or no recipients, 65 an " +
        "address field -t cannot read, 69 a 5xx, 75 a 4xx or the server unreachable.",
    )
    .argument("[recipients...]", "recipient addresses (each may be a comma-separated list)")
    .option("-t, --extract-recipients", "also send to the To, Cc and Bcc addresses of the header")
    .option("-i, --ignore-dots", "a line with a single '.' does not end the input (also -oi)")
    .option("-f, --envelope-from <address>", "the envelope sender; default: USER@this host")
    .addOption(new Option("-r <address>", "the same as -f (its older name)").hideHelp())
    .option("-F, --full-name <name>", "display name of the From field added when missing")
    .addOption(
      new Option("-B, --body-type <type>", "body type declared with 8BITMIME (RFC 6152)")
        .choices(["7BIT", "8BITMIME"]),
    )
    .option(
      "-o <option>",
      "sendmail option: -oi is -i; others (-oem, -odi, …) are ignored",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addOption(new Option("-b <mode>", "mode: only -bm (deliver mail), the default").choices(["m"]))
    .addOption(
      new Option("--server <host[:port]>", "SMTP server to hand the message to")
        .argParser((text: string) => parseHostPort(text, 25))
        .default(parseHostPort(SENDMAIL_DEFAULTS.server), SENDMAIL_DEFAULTS.server),
    )
    .option("--helo <name>", "name given in EHLO/HELO; default: this host's name")
    .option("-v, --verbose", "print the SMTP transcript")
    .addOption(
      parsed(
        "--timeout <duration>",
        "time limit of the connection attempt and of each read and write",
        parseDuration,
        SENDMAIL_DEFAULTS.timeout,
      ),
    )
    .addHelpText(
      "after",
      `
Examples:
  postie sendmail -t -i < message.eml
  printf 'Subject: hi\\n\\nhello\\n' | postie sendmail -f a@example.test b@example.test
  php.ini:        sendmail_path = "postie sendmail -t -i"
  git config:     sendemail.sendmailCmd "postie sendmail --server mx.example.test:25"`,
    )
    .action(async (recipients, options) => {
      // Loaded on use, so other subcommands do not load lib/smtp/client.
      const { runSendmail } = await import("./sendmail_run.ts");
      Deno.exitCode = await runSendmail(recipients, {
        ...options,
        envelopeFrom: options.envelopeFrom ?? options.r,
        ignoreDots: options.ignoreDots || options.o?.includes(IGNORE_DOTS_OPTION) === true,
      });
    });
}
