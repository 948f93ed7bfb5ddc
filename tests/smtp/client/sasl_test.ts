import { deepEqual, equal } from "node:assert/strict";
import {
  chooseSaslMechanism,
  decodeSaslText,
  encodeSaslText,
  saslMechanism,
} from "../../../lib/smtp/client/sasl.ts";

Deno.test("chooseSaslMechanism: CRAM-MD5, PLAIN, LOGIN in that order; XOAUTH2 only forced", () => {
  equal(chooseSaslMechanism(["LOGIN", "PLAIN", "CRAM-MD5"]), "CRAM-MD5");
  equal(chooseSaslMechanism(["LOGIN", "PLAIN"]), "PLAIN");
  equal(chooseSaslMechanism(["XOAUTH2"]), undefined);
  equal(chooseSaslMechanism(["XOAUTH2"], "XOAUTH2"), "XOAUTH2");
  equal(chooseSaslMechanism(["PLAIN"], "LOGIN"), undefined);
});

Deno.test("CRAM-MD5 answers the RFC 2195 §2 example", () => {
  const cram = saslMechanism("CRAM-MD5", { username: "tim", password: "tanstaaftanstaaf" });
  equal(
    cram.respond("<1896.697170952@postoffice.reston.mci.net>"),
    "tim b913a602c7eda7a495b4e6e7334d3890",
  );
});

Deno.test("PLAIN (RFC 4616 §2) and base64 of UTF-8 both ways", () => {
  const plain = saslMechanism("PLAIN", { username: "jörg", password: "p w" });
  equal(plain.initialResponse, "\0jörg\0p w");
  equal(decodeSaslText(encodeSaslText("\0jörg\0p w")), "\0jörg\0p w");
  equal(encodeSaslText(""), "");
  deepEqual([decodeSaslText("VXNlcm5hbWU6"), decodeSaslText("not base64!")], [
    "Username:",
    "not base64!",
  ]);
});
