import { join } from "node:path";

/**
 * A Maildir (https://cr.yp.to/proto/maildir.html): a message is written under tmp/ and renamed
 * into new/, so a reader never sees a partial file.
 *
 * File names are derived from the queue id, so delivering the same spooled message twice (after
 * a crash between delivery and the spool's done record) finds the first copy instead of making
 * a second one.
 */
export class Maildir {
  /** A Maildir at `dir`, its top directory holding tmp/, new/ and cur/ (see `create`). */
  constructor(readonly dir: string) {}

  /** Creates tmp/, new/ and cur/ when missing. */
  async create(): Promise<void> {
    for (const sub of ["tmp", "new", "cur"]) {
      await Deno.mkdir(join(this.dir, sub), { recursive: true });
    }
  }

  /**
   * The unique name for a message: `<seconds>.M<microseconds>Q<queue id>.<host>`, the host with
   * "/" and ":" escaped as the Maildir spec asks.
   */
  static fileName(queueId: string, acceptedAt: number, host: string): string {
    const safeHost = host.replaceAll("/", "\\057").replaceAll(":", "\\072");
    const micros = (acceptedAt % 1000) * 1000;
    return `${Math.floor(acceptedAt / 1000)}.M${micros}Q${queueId}.${safeHost}`;
  }

  /**
   * Whether `name` is already delivered whole: in new/, or in cur/ with flags a reader added
   * (`name:2,S`), with the expected size.
   */
  async contains(name: string, size: number): Promise<boolean> {
    const inNew = await Deno.stat(join(this.dir, "new", name)).catch(() => undefined);
    if (inNew) return inNew.size === size;
    for await (const entry of Deno.readDir(join(this.dir, "cur"))) {
      if (entry.name === name || entry.name.startsWith(`${name}:`)) {
        const stat = await Deno.stat(join(this.dir, "cur", entry.name));
        return stat.size === size;
      }
    }
    return false;
  }

  /**
   * Writes the message under tmp/ and renames it into new/. Returns the path in new/. On failure
   * (e.g. a full disk) the partial file in tmp/ is removed, so a failed attempt holds no space.
   */
  deliver(name: string, content: readonly Uint8Array[]): Promise<string> {
    const tmp = join(this.dir, "tmp", name);
    const target = join(this.dir, "new", name);
    // Synchronous calls: a few small system calls cost far less done here than handed to
    // Deno's blocking thread pool one by one. serve runs this on its Maildir worker thread.
    try {
      const file = Deno.openSync(tmp, { write: true, create: true, truncate: true });
      try {
        for (const piece of content) {
          let written = 0;
          while (written < piece.length) written += file.writeSync(piece.subarray(written));
        }
      } finally {
        file.close();
      }
      Deno.renameSync(tmp, target);
    } catch (error) {
      try {
        Deno.removeSync(tmp);
      } catch {
        // Nothing was created.
      }
      return Promise.reject(error);
    }
    return Promise.resolve(target);
  }
}

/**
 * Makes everything written to the file system holding `dir` durable, as syncfs(2) does, through
 * coreutils' `sync --file-system`. The spool calls it before removing a segment, so one sync
 * covers thousands of Maildir deliveries instead of an fsync per file and directory.
 */
export async function syncFileSystem(dir: string): Promise<void> {
  const { success, stderr } = await new Deno.Command("sync", {
    args: ["--file-system", dir],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`sync --file-system ${dir}: ${new TextDecoder().decode(stderr)}`);
}
