/**
 * Installs missing peers with apt-get when running as root, or prints the command a root
 * user must run. Run it directly to prepare a machine:
 * `deno run -A tests/e2e/peers/install.ts` (exits 1 if peers are still missing).
 *
 * @module
 */

import { forgetPeers, peerPath, PEERS } from "./catalog.ts";

/** Answer for postfix's debconf question, so installing it needs no terminal and starts nothing. */
export const POSTFIX_PRESEED = "postfix postfix/main_mailer_type select No configuration";

/**
 * Makes sure every peer in `peers` (all of {@linkcode PEERS} by default) is installed
 * (whether a `needsRoot` peer is usable by this user is `peerAvailable`'s concern):
 * as root, runs `apt-get update` and one `apt-get install -y` of the missing packages;
 * otherwise prints the commands to run as root. Returns the peers still missing.
 *
 * @example
 * ```ts
 * const missing = await ensurePeers();
 * if (missing.length > 0) console.error("tests needing", missing.join(", "), "will skip");
 * ```
 */
export async function ensurePeers(peers: Iterable<string> = Object.keys(PEERS)): Promise<string[]> {
  const wanted = [...peers];
  const missing = notInstalled(wanted);
  if (missing.length === 0) return [];
  const packages = [...new Set(missing.map((peer) => PEERS[peer].package))];
  console.error(`peers missing: ${missing.join(", ")}`);
  if (Deno.uid() !== 0) {
    console.error(`as root, run:\n${installScript(packages)}`);
    return missing;
  }
  try {
    await aptInstall(packages);
  } catch (e) {
    console.error(`installing peers failed: ${e instanceof Error ? e.message : e}`);
  }
  forgetPeers();
  return notInstalled(wanted);
}

function notInstalled(peers: string[]): string[] {
  return peers.filter((peer) => peerPath(peer) === undefined);
}

/** The shell commands that install `packages` on Debian, preseeding postfix first. */
export function installScript(packages: string[]): string {
  const lines: string[] = [];
  if (packages.includes("postfix")) {
    lines.push(`echo '${POSTFIX_PRESEED}' | debconf-set-selections`);
  }
  lines.push("apt-get update");
  lines.push(`DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(" ")}`);
  return lines.join("\n");
}

/** An install step (debconf-set-selections, apt-get) failed. */
export class PeerInstallError extends Error {
  /** Creates the error for the command line that failed with exit code `code`. */
  constructor(cmd: string[], code: number) {
    super(`${cmd.join(" ")} exited with ${code}`);
    this.name = "PeerInstallError";
  }
}

async function aptInstall(packages: string[]): Promise<void> {
  if (packages.includes("postfix")) {
    await run(["debconf-set-selections"], `${POSTFIX_PRESEED}\n`);
  }
  await run(["apt-get", "update"]);
  await run(["apt-get", "install", "-y", ...packages]);
}

async function run(cmd: string[], input?: string): Promise<void> {
  console.error(`+ ${cmd.join(" ")}`);
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdin: input === undefined ? "null" : "piped",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const status = await child.status;
  if (!status.success) throw new PeerInstallError(cmd, status.code);
}

if (import.meta.main) {
  const missing = await ensurePeers();
  if (missing.length > 0) Deno.exit(1);
}
