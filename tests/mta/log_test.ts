import { deepEqual, equal, match } from "node:assert/strict";
import { Logger } from "../../lib/mta/log.ts";

function capture(format: "text" | "json") {
  const chunks: string[] = [];
  const logger = new Logger(format, {
    writeSync(bytes) {
      chunks.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  });
  return { logger, output: () => chunks.join("") };
}

Deno.test("log: text lines are time, event and key=value pairs, quoted when needed", () => {
  const { logger, output } = capture("text");
  logger.log("delivered", { id: "ABC", file: "/a b/c", empty: "", skipped: undefined, n: 3 });
  logger.flush();
  match(output(), /^\d{4}-\d\d-\d\dT[\d:.]+Z delivered id=ABC file="\/a b\/c" empty="" n=3\n$/);
});

Deno.test("log: JSON lines carry time, event and the fields", () => {
  const { logger, output } = capture("json");
  logger.log("message", { id: "ABC", result: 250 });
  logger.log("deferred", { id: "DEF", error: 'a "quoted" error' });
  logger.flush();
  const lines = output().trimEnd().split("\n").map((line) => JSON.parse(line));
  deepEqual(lines.map(({ time: _, ...rest }) => rest), [
    { event: "message", id: "ABC", result: 250 },
    { event: "deferred", id: "DEF", error: 'a "quoted" error' },
  ]);
});

Deno.test("log: lines are buffered and written together", async () => {
  const { logger, output } = capture("text");
  logger.log("a", {});
  logger.log("b", {});
  equal(output(), "");
  await new Promise((resolve) => setTimeout(resolve, 120));
  equal(output().split("\n").length, 3);
});

Deno.test("log: a closed output does not throw", () => {
  const logger = new Logger("text", {
    writeSync() {
      throw new Deno.errors.BrokenPipe("closed");
    },
  });
  logger.log("a", {});
  logger.flush();
});
