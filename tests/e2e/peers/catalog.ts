/**
 * The catalog of real peers the tests and benchmarks drive: which command each is, which
 * Debian package brings it, and whether this machine has it.
 *
 * @module
 */

/** The system Python, which carries the Debian `python3-*` modules (aiosmtpd, dkim). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** One peer: the Debian package that installs it and, for Python modules, the module to import. */
export interface PeerSpec {
  /** Debian package that brings the peer. */
  readonly package: string;
  /** For a Python module peer: the module `SYSTEM_PYTHON` must import. */
  readonly pythonModule?: string;
  /** True when the peer only works for root (Postfix's master drops privileges). */
  readonly needsRoot?: boolean;
}

/** Every peer by the command (or Python module) name tests ask for. */
export const PEERS: Readonly<Record<string, PeerSpec>> = {
  swaks: { package: "swaks" },
  curl: { package: "curl" },
  msmtp: { package: "msmtp" },
  "smtp-source": { package: "postfix" },
  "smtp-sink": { package: "postfix" },
  postfix: { package: "postfix", needsRoot: true },
  python3: { package: "python3" },
  aiosmtpd: { package: "python3-aiosmtpd", pythonModule: "aiosmtpd" },
  dnsmasq: { package: "dnsmasq-base" },
  dig: { package: "bind9-dnsutils" },
  openssl: { package: "openssl" },
  mshow: { package: "mblaze" },
  dkimverify: { package: "python3-dkim" },
  chromium: { package: "chromium" },
  script: { package: "bsdutils" },
};

/** A test asked for a peer that is not installed (or not in {@linkcode PEERS}). */
export class PeerMissingError extends Error {
  /** The command or module name asked for. */
  readonly peer: string;

  /** Creates the error naming the Debian package that would bring `peer`. */
  constructor(peer: string) {
    super(missingReason(peer));
    this.name = "PeerMissingError";
    this.peer = peer;
  }
}

function missingReason(peer: string): string {
  const spec = PEERS[peer];
  if (!spec) return `peer ${peer} is not in the catalog of tests/e2e/peers/catalog.ts`;
  if (spec.needsRoot && Deno.uid() !== 0) return `peer ${peer} needs root`;
  return `peer ${peer} missing (install Debian package ${spec.package})`;
}

// sbin directories are searched too: a non-root PATH often lacks them (smtp-sink, dnsmasq).
const SEARCH_EXTRA = ["/usr/local/sbin", "/usr/sbin", "/sbin"];
const found = new Map<string, string | undefined>();

/**
 * The absolute path of a peer's executable (`SYSTEM_PYTHON` for module peers), or
 * `undefined` when the peer is not installed. Results are cached until {@linkcode forgetPeers}.
 *
 * @example
 * ```ts
 * const sink = peerPath("smtp-sink"); // "/usr/sbin/smtp-sink"
 * ```
 */
export function peerPath(peer: string): string | undefined {
  if (!found.has(peer)) found.set(peer, locate(peer));
  return found.get(peer);
}

/** True when the peer is installed and usable by this user (root for `needsRoot` peers). */
export function peerAvailable(peer: string): boolean {
  return peerPath(peer) !== undefined && !(PEERS[peer]?.needsRoot && Deno.uid() !== 0);
}

/** The peers of `peers` that this machine lacks. */
export function missingPeers(peers: Iterable<string>): string[] {
  return [...peers].filter((peer) => !peerAvailable(peer));
}

/** Drops cached lookups, after an install changed the machine. */
export function forgetPeers(): void {
  found.clear();
}

function locate(peer: string): string | undefined {
  const spec = PEERS[peer];
  if (!spec) return undefined;
  if (spec.pythonModule) return pythonImports(spec.pythonModule) ? SYSTEM_PYTHON : undefined;
  if (peer === "python3") return isExecutable(SYSTEM_PYTHON) ? SYSTEM_PYTHON : undefined;
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "");
  for (const dir of [...dirs, ...SEARCH_EXTRA]) {
    if (isExecutable(`${dir}/${peer}`)) return `${dir}/${peer}`;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0) & 0o111) !== 0;
  } catch {
    return false;
  }
}

function pythonImports(module: string): boolean {
  if (!isExecutable(SYSTEM_PYTHON)) return false;
  const command = new Deno.Command(SYSTEM_PYTHON, {
    args: ["-c", `import ${module}`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  return command.outputSync().success;
}
