import { equal, ok } from "node:assert/strict";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const SCRIPT = "/usr/bin/script";
const hasScript = await Deno.stat(SCRIPT).then(() => true, () => false);

const MBOX = [1, 2, 3].map((n) =>
  `From a@x Mon Jan  1 00:00:00 2024\nSubject: m${n}\n\nbody ${n}\n\n`
).join("");

async function withMbox(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/mail.mbox`, MBOX);
    await fn(`${dir}/mail.mbox`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("parse: an mbox with stderr piped shows no progress bar", async () => {
  await withMbox(async (mbox) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "parse", mbox],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    equal(output.code, 0);
    equal(new TextDecoder().decode(output.stderr), "");
    const stdout = new TextDecoder().decode(output.stdout);
    equal(stdout.match(/^Subject: +m\d$/gm)?.length, 3);
    ok(!stdout.includes("\r"));
  });
});

Deno.test({
  name: "parse: an mbox with stderr on a terminal draws the bar with \\r, then clears it",
  ignore: !hasScript,
  async fn() {
    await withMbox(async (mbox) => {
      // script(1) gives the command a pseudo-terminal; stdout goes to a file, stderr stays on it.
      const dir = mbox.slice(0, mbox.lastIndexOf("/"));
      const command = `${Deno.execPath()} run -A ${MAIN} parse --json ${mbox} > ${dir}/out.json`;
      const output = await new Deno.Command(SCRIPT, {
        args: ["-qec", command, "/dev/null"],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      equal(output.code, 0);
      const tty = new TextDecoder().decode(output.stdout);
      const clear = "\r\x1b[K";
      ok(tty.startsWith(`${clear}[#`), JSON.stringify(tty));
      ok(tty.endsWith(`] 100% 165/165 B 3 messages${clear}`), JSON.stringify(tty));
      equal(tty.split(clear).length, 3, "one bar drawn, then cleared");
      const { messages } = JSON.parse(await Deno.readTextFile(`${dir}/out.json`));
      equal(messages.length, 3);
    });
  },
});
