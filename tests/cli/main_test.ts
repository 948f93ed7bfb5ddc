import { deepEqual as assertEquals, match as assertMatch, ok as assert } from "node:assert/strict";
import { runPostie } from "./run_postie.ts";

const SUBCOMMANDS = ["serve", "send", "sendmail", "mx", "parse", "trace", "queue"];

function postie(args: string[], env: Record<string, string> = {}) {
  return runPostie(args, { env });
}

Deno.test("--help lists every subcommand and exits 0", async () => {
  const { code, stdout } = await postie(["--help"]);
  assertEquals(code, 0);
  for (const name of SUBCOMMANDS) assertMatch(stdout, new RegExp(`^  ${name}\\b`, "m"));
});

Deno.test("--version prints deno.json's version", async () => {
  const { version } = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  const { code, stdout } = await postie(["--version"]);
  assertEquals([code, stdout.trim()], [0, version]);
});

Deno.test("every subcommand has --help with a usage line and examples", async () => {
  for (const name of SUBCOMMANDS) {
    const viaFlag = await postie([name, "--help"]);
    const viaHelp = await postie(["help", name]);
    assertEquals(viaFlag.code, 0, name);
    assertMatch(viaFlag.stdout, new RegExp(`^Usage: postie ${name}`), name);
    assertMatch(viaFlag.stdout, /Examples:\n {2}postie /, name);
    assertEquals(viaHelp.stdout, viaFlag.stdout, name);
  }
});

Deno.test("an unknown flag exits 64 and names the flag", async () => {
  const { code, stderr } = await postie(["mx", "--no-such-flag", "example.test"]);
  assertEquals(code, 64);
  assertMatch(stderr, /--no-such-flag/);
});

Deno.test("a bad choice exits 64 and lists the accepted values", async () => {
  const { code, stderr } = await postie(["completions", "tcsh"]);
  assertEquals(code, 64);
  assertMatch(stderr, /bash, zsh, fish/);
});

Deno.test("an unknown subcommand exits 64", async () => {
  const { code, stderr } = await postie(["frobnicate"]);
  assertEquals(code, 64);
  assertMatch(stderr, /frobnicate/);
});

Deno.test("a subcommand not built yet says so in one line and exits 69", async () => {
  const { code, stdout, stderr } = await postie(["queue", "list"]);
  assertEquals(code, 69);
  assertEquals(stdout, "");
  assertEquals(stderr.trim().split("\n").length, 1);
  assertMatch(stderr, /not built yet/);
});

Deno.test("completions for bash, zsh and fish name every subcommand", async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const { code, stdout } = await postie(["completions", shell]);
    assertEquals(code, 0, shell);
    for (const name of SUBCOMMANDS) assert(stdout.includes(name), `${shell}: ${name}`);
  }
  const bash = await postie(["completions", "bash"]);
  const syntax = await new Deno.Command("bash", { args: ["-n"], stdin: "piped" }).spawn();
  const writer = syntax.stdin.getWriter();
  await writer.write(new TextEncoder().encode(bash.stdout));
  await writer.close();
  assertEquals((await syntax.status).code, 0, "bash -n accepts the script");
});
