import { join } from "node:path";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

/** A `postie serve` child process on a free loopback port, for end-to-end tests. */
export interface ServeProcess {
  port: number;
  dataDir: string;
  /** `<dataDir>/maildir/new`. */
  newDir: string;
  process: Deno.ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Files delivered into the Maildir's new/ so far, sorted by name. */
  delivered(): Promise<string[]>;
  /** Waits until at least `count` files are in new/ (or throws after `timeoutMs`). */
  waitForDelivered(count: number, timeoutMs?: number): Promise<string[]>;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
}

/** Options for {@link startServe}: extra flags, and a data dir to reuse (e.g. after a crash). */
export interface StartServeOptions {
  args?: string[];
  /** The module to run: cli/main.ts by default, or e.g. a bundle of it. */
  main?: string;
  dataDir?: string;
  port?: number;
}

/** Picks a free loopback port. */
export function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts `postie serve` and resolves once it listens. */
export async function startServe(options: StartServeOptions = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "postie-serve-" });
  const port = options.port ?? freeLoopbackPort();
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      // As `deno task serve` and the compiled binary run it (see deno.json).
      "--v8-flags=--max-semi-space-size=4,--max-old-space-size=512",
      options.main ?? MAIN,
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--data-dir",
      dataDir,
      "--hostname",
      "postie.test",
      ...(options.args ?? []),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  };
  const collecting = Promise.all([collect(process.stdout), collect(process.stderr)]);
  const newDir = join(dataDir, "maildir", "new");
  const delivered = async () => {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(newDir)) names.push(entry.name);
    } catch {
      // Not created yet.
    }
    return names.sort();
  };
  let exited = false;
  const status = process.status.then(async (s) => {
    exited = true;
    await collecting;
    return s;
  });
  const deadline = Date.now() + 15_000;
  while (!/SMTP on /.test(text)) {
    if (exited || Date.now() > deadline) {
      await status;
      throw new Error(`postie serve did not start:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    dataDir,
    newDir,
    process,
    output: () => text,
    delivered,
    async waitForDelivered(count: number, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (true) {
        const names = await delivered();
        if (names.length >= count) return names;
        if (Date.now() > until) {
          throw new Error(`only ${names.length} of ${count} messages delivered:\n${text}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      if (!exited) process.kill("SIGTERM");
      return (await status).code;
    },
    async kill() {
      if (!exited) process.kill("SIGKILL");
      await status;
    },
  };
}
