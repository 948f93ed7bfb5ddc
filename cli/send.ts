import { Command, Option } from "@commander-js/extra-typings";
import { notBuilt } from "./not_built.ts";

/** `postie send`: an SMTP client for scripts and debugging (not built yet). */
export function sendCommand(): Command {
  return new Command("send")
    .summary("send a message over SMTP (a swaks-class client) [not built yet]")
    .description(
      "Composes a MIME message (text, HTML, attachments) or sends an existing one, with TLS, " +
        "AUTH, pipelining and a readable transcript. Not built yet: exits 69.",
    )
    .option("--server <host[:port]>", "SMTP server; default: the MX of each recipient's domain")
    .option("--from <address>", "From: address")
    .option("--to <address...>", "recipient (repeatable)")
    .option("--subject <text>", "Subject: header")
    .option("--body <text>", "text body")
    .option("--attach <file...>", "attach a file (repeatable)")
    .option("--data <file>", "send FILE (or - for stdin) as the whole message")
    .addOption(
      new Option("--starttls [mode]", "use STARTTLS").choices(["require", "opportunistic"]),
    )
    .option("--json", "print one JSON result")
    .option("-v, --verbose", "print the SMTP transcript")
    .addHelpText(
      "after",
      `
Examples:
  postie send --server 127.0.0.1:1025 --from a@example.test --to b@example.test --body hi
  postie send --server smtp.example.test:587 --starttls --data message.eml -v`,
    )
    .action(() => notBuilt("send"));
}
