import { deepEqual, equal } from "node:assert/strict";
import { noCapabilities, parseCapabilities } from "../../../lib/smtp/client/capabilities.ts";

Deno.test("parseCapabilities reads every extension the client uses", () => {
  const caps = parseCapabilities({
    code: 250,
    lines: [
      "mx.test Hello",
      "SIZE 35882577",
      "pipelining",
      "8BITMIME",
      "SMTPUTF8",
      "CHUNKING",
      "DSN",
      "STARTTLS",
      "AUTH plain LOGIN",
      "ENHANCEDSTATUSCODES",
    ],
  });
  equal(caps.greeting, "mx.test Hello");
  equal(caps.size, 35882577);
  deepEqual(
    [caps.pipelining, caps.eightBitMime, caps.smtputf8, caps.chunking, caps.dsn, caps.starttls],
    [true, true, true, true, true, true],
  );
  deepEqual(caps.auth, ["PLAIN", "LOGIN"]);
  deepEqual(caps.extensions.get("ENHANCEDSTATUSCODES"), []);
});

Deno.test("SIZE without a value or with 0 means no fixed limit (RFC 1870 §4)", () => {
  equal(parseCapabilities({ code: 250, lines: ["mx", "SIZE"] }).size, undefined);
  equal(parseCapabilities({ code: 250, lines: ["mx", "SIZE 0"] }).size, undefined);
  equal(parseCapabilities({ code: 250, lines: ["mx", "SIZE"] }).extensions.has("SIZE"), true);
});

Deno.test("a one-line EHLO reply or HELO offers nothing", () => {
  const caps = parseCapabilities({ code: 250, lines: ["mx.test"] });
  deepEqual(caps, noCapabilities("mx.test"));
});
