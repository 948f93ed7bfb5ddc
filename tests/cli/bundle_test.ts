import { equal, match } from "node:assert/strict";
import { join } from "node:path";
import { RawClient } from "../e2e/raw_client.ts";
import { startServe } from "../e2e/serve_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Builds dist-like bundle into a temp dir with `deno bundle`, as `deno task bundle` does. */
async function bundle(): Promise<string> {
  const output = join(await Deno.makeTempDir({ prefix: "postie-bundle-" }), "postie.js");
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--output", output, join(ROOT, "cli/main.ts")],
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(result.code, 0, new TextDecoder().decode(result.stderr));
  return output;
}

Deno.test({
  name: "bundle: one self-contained module runs --version and serves mail (worker included)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const bundled = await bundle();
    // Run it from a directory holding nothing else: no local file can be imported.
    const version = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", bundled, "--version"],
      cwd: "/",
      stdout: "piped",
    }).output();
    const { version: expected } = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
    equal(new TextDecoder().decode(version.stdout).trim(), expected);

    const serve = await startServe({ main: bundled });
    try {
      const client = await RawClient.connect(serve.port);
      await client.readReplies(1);
      await client.write(
        "EHLO bundle.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n",
      );
      const replies = await client.readReplies(4);
      equal(replies[3].code, 354);
      const queued = await client.command("Subject: from the bundle\r\n\r\nhello\r\n.");
      equal(queued.code, 250);
      await client.command("QUIT");
      const [name] = await serve.waitForDelivered(1);
      match(await Deno.readTextFile(join(serve.newDir, name)), /Subject: from the bundle/);
    } finally {
      await serve.stop();
    }
  },
});
