import { ok } from "node:assert/strict";
import { parseReceived, readHeaderFields, traceMessage } from "../../lib/trace/mod.ts";
import { isCI } from "../peers.ts";
import { SHARED_CORPUS } from "../shared_corpus.ts";

if (!SHARED_CORPUS && isCI()) throw new Error("the shared corpus (../shared/corpus) is missing");
const CORPUS = SHARED_CORPUS ? new URL(`file://${SHARED_CORPUS}`) : undefined;

/** Every file under `dir`, recursively. */
function* files(dir: URL): Generator<URL> {
  for (const entry of Deno.readDirSync(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* files(url);
    else if (entry.isFile) yield url;
  }
}

// Measured on the shared corpus (mikel-mail): 205 Received fields, 202 without a warning.
const FULLY_PARSED_FLOOR = 202;

Deno.test({
  name: "every Received field of the shared corpus parses without throwing",
  ignore: CORPUS === undefined,
  fn: () => {
    let total = 0;
    let full = 0;
    for (const url of files(CORPUS!)) {
      const bytes = Deno.readFileSync(url);
      traceMessage(bytes);
      for (const field of readHeaderFields(bytes, [])) {
        if (field.name.toLowerCase() !== "received") continue;
        total++;
        const received = parseReceived(field.unfolded);
        if (received.warnings.length === 0) full++;
      }
    }
    console.log(`corpus: ${full} of ${total} Received fields parsed fully`);
    ok(full >= FULLY_PARSED_FLOOR, `${full} of ${total} parsed fully`);
  },
});
