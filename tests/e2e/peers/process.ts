/**
 * Child processes for real peers: free loopback ports, spawning with collected output,
 * waiting for a port to accept connections, and stopping by pid.
 *
 * @module
 */

/** How long {@linkcode RunningPeer.stop} waits after SIGTERM before sending SIGKILL. */
export const STOP_GRACE_MS = 2000;
/** How long a peer may take to open its port by default. */
export const START_TIMEOUT_MS = 10_000;
const POLL_MS = 20;

/** A peer did not start: it exited early or never opened its port. */
export class PeerStartError extends Error {
  /** True when the peer exited (for instance: its port was taken), false when it hung. */
  readonly exited: boolean;

  /** Creates the error; `output` is what the peer printed, appended to the message. */
  constructor(message: string, exited: boolean, output = "") {
    super(output ? `${message}\n--- peer output ---\n${output}` : message);
    this.name = "PeerStartError";
    this.exited = exited;
  }
}

/**
 * A loopback port that was free a moment ago: listens on 127.0.0.1:0, reads the port the
 * kernel chose, and closes.
 *
 * @example
 * ```ts
 * const port = freePort();
 * ```
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** True once a TCP connect to 127.0.0.1:`port` succeeds. */
async function accepts(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls a TCP connect to 127.0.0.1:`port` until it succeeds; throws
 * {@linkcode PeerStartError} after `timeoutMs`, or the signal's reason once `signal` aborts.
 *
 * @example
 * ```ts
 * await waitForPort(2525, 5000);
 * ```
 */
export async function waitForPort(
  port: number,
  timeoutMs = START_TIMEOUT_MS,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    signal?.throwIfAborted();
    if (Date.now() > deadline) {
      const message = `nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`;
      throw new PeerStartError(message, false);
    }
    await delay(POLL_MS);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options of {@linkcode startProcess}. */
export interface StartProcessOptions {
  /** Working directory of the child. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** When set, resolve only once 127.0.0.1:`port` accepts connections. */
  port?: number;
  /** Limit for `port` to open; {@linkcode START_TIMEOUT_MS} by default. */
  timeoutMs?: number;
}

/** A spawned peer process whose stdout and stderr are collected. */
export class RunningPeer {
  /** Process id of the child. */
  readonly pid: number;
  /** Settles when the child exits. */
  readonly status: Promise<Deno.CommandStatus>;
  readonly #child: Deno.ChildProcess;
  readonly #pumps: Promise<void>;
  #text = "";

  /** Wraps a child spawned with piped stdout and stderr. */
  constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.pid = child.pid;
    this.status = child.status;
    this.#pumps = Promise.all([this.#pump(child.stdout), this.#pump(child.stderr)]).then(() => {});
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) this.#text += decoder.decode(chunk, { stream: true });
    this.#text += decoder.decode();
  }

  /** Everything the child printed so far, stdout and stderr interleaved as they arrived. */
  output(): string {
    return this.#text;
  }

  /** Sends SIGTERM, then SIGKILL after {@linkcode STOP_GRACE_MS}; resolves once it exited. */
  async stop(): Promise<void> {
    if (!(await exitsWithin(this.status, 0))) {
      this.#signal("SIGTERM");
      if (!(await exitsWithin(this.status, STOP_GRACE_MS))) this.#signal("SIGKILL");
    }
    await this.status;
    await this.#pumps;
  }

  #signal(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch {
      // The child exited between the check and the signal.
    }
  }
}

async function exitsWithin(status: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  const exited = await Promise.race([status.then(() => true), timeout]);
  clearTimeout(timer);
  return exited;
}

/**
 * Spawns `cmd` with stdin closed and stdout/stderr collected. With `opts.port`, resolves
 * once that loopback port accepts connections and throws {@linkcode PeerStartError} (after
 * stopping the child) if the child exits first or the port stays closed.
 *
 * @example
 * ```ts
 * const port = freePort();
 * const sink = await startProcess(["smtp-sink", "-u", "nobody", `127.0.0.1:${port}`, "100"], {
 *   port,
 * });
 * await sink.stop();
 * ```
 */
export async function startProcess(
  cmd: string[],
  opts: StartProcessOptions = {},
): Promise<RunningPeer> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: opts.cwd,
    env: opts.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const peer = new RunningPeer(child);
  if (opts.port === undefined) return peer;
  const exit = new AbortController();
  const exited = peer.status.then((s) => new PeerStartError(`exited with ${s.code}`, true));
  exited.then((e) => exit.abort(e));
  const failure = await waitForPort(opts.port, opts.timeoutMs, exit.signal).then(
    () => undefined,
    (e: Error) => e,
  );
  if (failure === undefined) return peer;
  await peer.stop();
  const exitedEarly = failure instanceof PeerStartError && failure.exited;
  throw new PeerStartError(`${cmd.join(" ")}: ${failure.message}`, exitedEarly, peer.output());
}

/** A peer process serving on a loopback port. */
export interface ListeningPeer {
  /** The 127.0.0.1 port it listens on. */
  readonly port: number;
  /** Process id of the peer. */
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL) and waits until it exited. */
  stop(): Promise<void>;
}

const START_ATTEMPTS = 3;

/**
 * Starts `command(port)` on a {@linkcode freePort} and waits until the port accepts
 * connections; if the peer dies first (another process took the port), retries on a new port.
 *
 * @example
 * ```ts
 * const peer = await startListening((port) => ["smtp-sink", `127.0.0.1:${port}`, "100"]);
 * await peer.stop();
 * ```
 */
export async function startListening(
  command: (port: number) => string[],
  opts: Omit<StartProcessOptions, "port"> = {},
): Promise<ListeningPeer> {
  for (let attempt = 1;; attempt++) {
    const port = freePort();
    try {
      const peer = await startProcess(command(port), { ...opts, port });
      return { port, pid: peer.pid, output: () => peer.output(), stop: () => peer.stop() };
    } catch (e) {
      if (!(e instanceof PeerStartError && e.exited) || attempt === START_ATTEMPTS) throw e;
    }
  }
}
