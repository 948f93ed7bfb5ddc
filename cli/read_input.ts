/** Reads a whole input file, or standard input for "-" (the CLI's convention for stdin). */
export async function readInput(file: string): Promise<Uint8Array> {
  return file === "-" ? await new Response(Deno.stdin.readable).bytes() : await Deno.readFile(file);
}
