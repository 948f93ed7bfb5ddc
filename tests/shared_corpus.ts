/**
 * Where the shared corpus of real-world messages (`../shared/corpus`) is: `POSTIE_SHARED_CORPUS`
 * if set, else beside this checkout, else beside the local repository this checkout was cloned
 * from (a CI check in a clean clone elsewhere, e.g. `git clone . /tmp/ci-check`).
 *
 * @module
 */

const REPO = new URL("../", import.meta.url).pathname;

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** The local path `origin` points to, if this checkout was cloned from one. */
function originPath(): string | undefined {
  try {
    const { success, stdout } = new Deno.Command("git", {
      args: ["-C", REPO, "config", "--get", "remote.origin.url"],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const url = new TextDecoder().decode(stdout).trim();
    if (!success || url === "") return undefined;
    if (url.startsWith("file://")) return new URL(url).pathname;
    return url.startsWith("/") ? url : undefined;
  } catch {
    return undefined; // no git here
  }
}

function find(): string | undefined {
  const fromEnv = Deno.env.get("POSTIE_SHARED_CORPUS");
  if (fromEnv) return fromEnv.endsWith("/") ? fromEnv : `${fromEnv}/`;
  const origin = originPath();
  const candidates = [REPO, ...(origin ? [`${origin.replace(/\/?$/, "/")}`] : [])]
    .map((repo) => new URL("../shared/corpus/", `file://${repo}`).pathname);
  return candidates.find(isDirectory);
}

/** The corpus directory (ending in "/"), or undefined when it is nowhere to be found. */
export const SHARED_CORPUS: string | undefined = find();
