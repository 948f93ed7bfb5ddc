/**
 * A private Postfix instance on a loopback port: its own config, queue and data
 * directories in a temp dir, mail accepted into a real (fsynced) queue and then discarded,
 * or relayed to a relayhost. Needs root, as any Postfix instance does.
 *
 * @module
 */

import { PeerMissingError, peerPath } from "./catalog.ts";
import { freePort, type ListeningPeer, PeerStartError, waitForPort } from "./process.ts";

/** Domain the instance treats as its own (final delivery: discarded). */
export const POSTFIX_TEST_DOMAIN = "postie.test";
const DEFAULT_CONFIG_DIR = "/etc/postfix";
// Our config dirs look like /tmp/postie-postfix-XXXX/etc; only those are ever pruned.
const DIR_PREFIX = "postie-postfix-";

/** Options of {@linkcode startPostfix}. */
export interface PostfixOptions {
  /** Relay all mail for other domains there, e.g. `[127.0.0.1]:2525`; else it is discarded. */
  relayhost?: string;
  /** Extra main.cf parameters, applied last. */
  settings?: Record<string, string>;
  /** Where the instance's directory is made (the system's temp dir by default). */
  parentDir?: string;
}

/** A running private Postfix; `output()` is its maillog, `pid` its master's. */
export interface PostfixPeer extends ListeningPeer {
  /** The instance's config directory, for `postqueue -c`, `postsuper -c`, `postconf -c`. */
  readonly configDir: string;
  /** The instance's queue directory. */
  readonly queueDir: string;
}

/**
 * Starts a private Postfix accepting mail on 127.0.0.1 from 127.0.0.0/8 for any domain:
 * mail for {@linkcode POSTFIX_TEST_DOMAIN} is discarded after queueing, other domains go to
 * `relayhost` if given, else are discarded too. `stop()` runs `postfix stop` and removes it.
 *
 * @example
 * ```ts
 * const mta = await startPostfix({ relayhost: `[127.0.0.1]:${sink.port}` });
 * // ... send to 127.0.0.1:mta.port ...
 * await mta.stop();
 * ```
 */
export async function startPostfix(opts: PostfixOptions = {}): Promise<PostfixPeer> {
  const postfix = peerPath("postfix");
  if (!postfix) throw new PeerMissingError("postfix");
  const postconf = postfix.replace(/postfix$/, "postconf");
  const dir = await Deno.makeTempDir({ dir: opts.parentDir, prefix: DIR_PREFIX });
  await Deno.chmod(dir, 0o755); // Postfix daemons run as the postfix user and must get in.
  const configDir = `${dir}/etc`, queueDir = `${dir}/queue`, port = freePort();
  await Deno.mkdir(configDir);
  await Deno.mkdir(queueDir); // Postfix creates its subdirectories and data_directory itself.
  const maillog = `${dir}/maillog`;
  const peer: PostfixPeer = {
    port,
    pid: 0,
    configDir,
    queueDir,
    output: () => readIfExists(maillog),
    stop: async () => {
      await command([postfix, "-c", configDir, "stop"]).catch(() => {});
      const others = (dirs: string[]) => dirs.filter((d) => d !== configDir);
      await updateAlternateConfigDirectories(postconf, others);
      await Deno.remove(dir, { recursive: true });
    },
  };
  try {
    await configure(postconf, dir, port, opts);
    await updateAlternateConfigDirectories(postconf, (dirs) => [...dirs, configDir]);
    await command([postfix, "-c", configDir, "start"]);
    await waitForPort(port);
    const pid = Number((await Deno.readTextFile(`${queueDir}/pid/master.pid`)).trim());
    return { ...peer, pid };
  } catch (e) {
    const log = peer.output();
    await peer.stop();
    throw new PeerStartError(`private postfix: ${(e as Error).message}`, false, log);
  }
}

async function configure(
  postconf: string,
  dir: string,
  port: number,
  opts: PostfixOptions,
): Promise<void> {
  const configDir = `${dir}/etc`;
  const settings: Record<string, string> = {
    compatibility_level: "3.6",
    queue_directory: `${dir}/queue`,
    data_directory: `${dir}/data`,
    maillog_file: `${dir}/maillog`,
    maillog_file_prefixes: dir,
    inet_interfaces: "127.0.0.1",
    inet_protocols: "ipv4",
    myhostname: `mx.${POSTFIX_TEST_DOMAIN}`,
    mydomain: POSTFIX_TEST_DOMAIN,
    mydestination: POSTFIX_TEST_DOMAIN,
    mynetworks: "127.0.0.0/8",
    smtpd_banner: "$myhostname ESMTP Postfix",
    // No real users: no alias or recipient lookups, final delivery is discarded.
    alias_maps: "",
    alias_database: "",
    local_recipient_maps: "",
    local_transport: "discard",
    default_transport: opts.relayhost ? "smtp" : "discard",
    relayhost: opts.relayhost ?? "",
    ...opts.settings,
  };
  const mainCf = Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join("");
  await Deno.writeTextFile(`${configDir}/main.cf`, mainCf);
  await Deno.copyFile(`${DEFAULT_CONFIG_DIR}/master.cf`, `${configDir}/master.cf`);
  // No chroot: the temp queue dir lacks the /etc files a chroot jail would need.
  await command([postconf, "-c", configDir, "-F", "*/*/chroot = n"]);
  await command([postconf, "-c", configDir, "-M#", "smtp/inet"]);
  const service = `127.0.0.1:${port}`;
  await command([
    postconf,
    "-c",
    configDir,
    "-M",
    `${service}/inet = ${service} inet n - n - - smtpd`,
  ]);
  await backdate(`${configDir}/main.cf`, `${configDir}/master.cf`);
}

/** Postfix commands stall (up to ~2 s) while a config file was modified this very second. */
async function backdate(...files: string[]): Promise<void> {
  const past = new Date(Date.now() - 60_000);
  for (const file of files) await Deno.utime(file, past, past);
}

/**
 * Rewrites `alternate_config_directories` of the default main.cf (created if absent) so
 * setgid tools like postqueue accept `-c DIR`; drops our entries whose directory is gone.
 */
async function updateAlternateConfigDirectories(
  postconf: string,
  change: (dirs: string[]) => string[],
): Promise<void> {
  using lock = await Deno.open(`${Deno.env.get("TMPDIR") ?? "/tmp"}/${DIR_PREFIX}main.cf.lock`, {
    create: true,
    write: true,
  });
  await lock.lock(true);
  const mainCf = `${DEFAULT_CONFIG_DIR}/main.cf`;
  await Deno.writeTextFile(mainCf, "", { append: true });
  const name = "alternate_config_directories";
  const current = await command([postconf, "-c", DEFAULT_CONFIG_DIR, "-h", name]);
  const dirs = current.split(/[\s,]+/).filter((d) => d !== "" && !isStale(d));
  const next = [...new Set(change(dirs))];
  await command([postconf, "-c", DEFAULT_CONFIG_DIR, "-e", `${name} = ${next.join(", ")}`]);
  await backdate(mainCf);
}

function isStale(dir: string): boolean {
  if (!dir.includes(`/${DIR_PREFIX}`)) return false;
  try {
    Deno.statSync(dir);
    return false;
  } catch {
    return true;
  }
}

function readIfExists(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

async function command(cmd: string[]): Promise<string> {
  const { success, code, stdout, stderr } = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (!success) {
    const message = `${cmd.join(" ")} exited with ${code}: ${new TextDecoder().decode(stderr)}`;
    throw new PeerStartError(message, true);
  }
  return text;
}
