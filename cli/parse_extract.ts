/**
 * `postie parse --extract`: attachments saved under safe, unique file names.
 *
 * @module
 */

import type { MessagePart } from "../lib/message/mod.ts";

/** A part worth saving: a leaf with a file name, or one marked `attachment`. */
export function isAttachment(part: MessagePart): boolean {
  return part.children.length === 0 && part.contentType.type !== "multipart" &&
    (part.filename !== undefined || part.disposition?.type === "attachment");
}

/**
 * A file name that cannot leave the target directory: the last path segment only, control
 * characters and separators replaced, no leading dots, at most 200 characters; a part
 * without a usable name gets `part-<path>.bin`.
 *
 * @example
 * ```ts
 * safeFileName("../../etc/passwd", "1.2"); // "passwd"
 * safeFileName("", "1.2");                 // "part-1.2.bin"
 * ```
 */
export function safeFileName(name: string | undefined, path: string): string {
  const last = (name ?? "").split(/[\/\\]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  const cleaned = last.replace(/[\x00-\x1f\x7f:*?"<>|]/g, "_").replace(/^[.\s]+/, "").trim()
    .slice(0, 200);
  return cleaned === "" ? `part-${path}.bin` : cleaned;
}

/**
 * Writes `content` into `dir` as `name`, or `name (2)`, `name (3)`… when the name is taken:
 * never overwrites (the file is created exclusively). Returns the path written.
 */
export async function writeUnique(dir: string, name: string, content: Uint8Array): Promise<string> {
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 1;; n++) {
    const path = `${dir}/${n === 1 ? name : `${stem} (${n})${ext}`}`;
    try {
      await Deno.writeFile(path, content, { createNew: true });
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}
