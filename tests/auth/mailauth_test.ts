import { equal } from "node:assert/strict";
import { MAILAUTH_PACKAGE } from "../../lib/auth/mailauth.ts";

Deno.test("MAILAUTH_PACKAGE names the version deno.json pins", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  equal(MAILAUTH_PACKAGE, config.imports.mailauth);
});
