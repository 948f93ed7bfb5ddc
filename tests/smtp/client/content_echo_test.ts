import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { ContentEcho } from "../../../lib/smtp/client/content_echo.ts";

const encoder = new TextEncoder();

function echoed(limit: number, pieces: string[]) {
  const lines: string[] = [];
  const echo = new ContentEcho(limit, (line) => lines.push(line));
  for (const piece of pieces) echo.push(encoder.encode(piece));
  echo.finish();
  return { lines, elided: echo.elided };
}

Deno.test("ContentEcho: lines split across pieces, CR dropped, elided past the limit", () => {
  deepEqual(echoed(3, ["Sub", "ject: a\r", "\n\r\nbo", "dy\r\nmore\r\n"]), {
    lines: ["Subject: a", "", "body"],
    elided: true,
  });
  deepEqual(echoed(10, ["a\r\nlast without end"]), {
    lines: ["a", "last without end"],
    elided: false,
  });
  deepEqual(echoed(1, ["a\r\n"]), { lines: ["a"], elided: false });
  deepEqual(echoed(1, ["a\r\n", "b"]), { lines: ["a"], elided: true });
});

Deno.test("ContentEcho: with no limit, the lines are the content's, however it is cut", () => {
  fc.assert(
    fc.property(
      fc.array(fc.stringMatching(/^[a-z .]{0,8}$/), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      (lines, cuts) => {
        const text = lines.join("\r\n");
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((start, i) => text.slice(start, [...at, text.length][i]));
        const shown = echoed(Infinity, pieces).lines;
        equal(shown.join("\r\n"), text.endsWith("\r\n") ? text.slice(0, -2) : text);
      },
    ),
  );
});
