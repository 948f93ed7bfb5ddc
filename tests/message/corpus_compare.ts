/**
 * Reference trees of the shared corpus (../shared/corpus) from Python's email package and
 * mblaze's `mshow -t`, and postie's tree in the same shape, for corpus_test.ts.
 *
 * @module
 */

import { type MessagePart, parseMessage, walkParts } from "../../lib/message/mod.ts";
import { SHARED_CORPUS } from "../shared_corpus.ts";

/** The shared corpus beside the checkout. */
/** The shared corpus (see tests/shared_corpus.ts); a path that does not exist when it is missing. */
export const CORPUS = SHARED_CORPUS ?? new URL("../../../shared/corpus/", import.meta.url).pathname;

/** Every .eml file of the corpus, sorted, relative to {@linkcode CORPUS}. */
export async function corpusFiles(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(CORPUS + dir)) {
      if (entry.isDirectory) await walk(`${dir}${entry.name}/`);
      else if (entry.name.endsWith(".eml")) found.push(dir + entry.name);
    }
  };
  await walk("");
  return found.sort();
}

/** One node as the comparison sees it. */
export interface RefNode {
  path: string;
  contentType: string;
  filename: string | null;
  decodedSize?: number;
  sha256?: string;
}

/** postie's tree in the reference shape; size and hash for leaves only. */
export async function postieTree(file: string): Promise<RefNode[]> {
  const root = await parseMessage(await Deno.readFile(CORPUS + file));
  return [...walkParts(root)].map((part: MessagePart) => ({
    path: part.path,
    contentType: part.contentType.mediaType,
    filename: part.filename ?? null,
    ...(part.sha256 === undefined ? {} : { decodedSize: part.decodedSize, sha256: part.sha256 }),
  }));
}

/** Python's trees for `files` (tests/message/python_tree.py). */
export async function pythonTrees(
  python: string,
  files: string[],
): Promise<Record<string, RefNode[]>> {
  const script = new URL("./python_tree.py", import.meta.url).pathname;
  const output = await new Deno.Command(python, { args: [script, ...files], cwd: CORPUS }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** `mshow -t` lines of a file, trimmed, without the first (the file name). */
export async function mshowTree(file: string): Promise<string[]> {
  const output = await new Deno.Command("mshow", { args: ["-t", CORPUS + file] }).output();
  return new TextDecoder().decode(output.stdout).split("\n").slice(1).map((line) => line.trim())
    .filter((line) => line !== "");
}

/** postie's tree as `mshow -t` prints it: number, type, size (decoded for leaves), name. */
export async function postieAsMshow(file: string): Promise<string[]> {
  const root = await parseMessage(await Deno.readFile(CORPUS + file));
  return [...walkParts(root)].map((part, i) => {
    const size = part.sha256 === undefined ? part.encodedSize : part.decodedSize;
    const name = part.filename === undefined ? "" : ` name="${part.filename}"`;
    return `${i + 1}: ${part.contentType.mediaType} size=${size}${name}`;
  });
}
