import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { parseReceived } from "../../lib/trace/mod.ts";
import { formatReceived } from "../../lib/smtp/server/received.ts";

Deno.test("postie serve's own Received field reads back what it wrote", () => {
  const date = new Date("2026-11-24T04:47:22Z");
  const field = formatReceived({
    helo: "helo",
    clientName: "localhost",
    clientAddress: "127.0.0.1",
    hostname: "host",
    esmtp: true,
    tls: true,
    authenticated: false,
    smtputf8: false,
    queueId: "0MWU7QWD7000",
    recipient: "b@y.test",
    date,
  });
  const received = parseReceived(field.slice("Received:".length).replace(/\r\n(?=\t)/g, ""));
  deepEqual(received.from, { ip: "127.0.0.1", reverseName: "localhost", helo: "helo" });
  deepEqual([received.by, received.with, received.id, received.for], [
    "host",
    "ESMTPS",
    "0MWU7QWD7000",
    "b@y.test",
  ]);
  deepEqual(received.tls, {});
  equal(received.time?.getTime(), date.getTime());
  deepEqual(received.warnings, []);
});

Deno.test("RFC 5321 §4.4 IPv6 address literals and a bare from", () => {
  const received = parseReceived(
    "from client.example (client.example [IPv6:2001:db8::25]) by mx.example; 1 Jan 2026 00:00 +0000",
  );
  equal(received.from.ip, "2001:db8::25");
  const bare = parseReceived("from client.example by mx.example; 1 Jan 2026 00:00:00 +0000");
  deepEqual(bare.from, { helo: "client.example" });
  deepEqual(bare.warnings, []);
});

Deno.test("every date form: obsolete zones, missing seconds, two-digit years, comments", () => {
  const at = (date: string) => parseReceived(`by mx.example; ${date}`).time?.toISOString();
  equal(at("Mon, 16 Nov 2026 09:15 EST"), "2026-11-16T14:15:00.000Z");
  equal(at("16 Nov 26 09:15:02 GMT"), "2026-11-16T09:15:02.000Z");
  equal(at("Mon, 16 Nov 2026 01:15:02 -0800 (PST)"), "2026-11-16T09:15:02.000Z");
});

Deno.test("Sendmail, Exim (old form) and qmail TCP-info", () => {
  const sendmail = parseReceived(
    "from relay.example (IDENT:daemon@relay.example [128.32.1.5] (may be forged)) " +
      "by mx.example (8.17.1/8.17.1) with ESMTP id 5AG; Mon, 16 Nov 2026 14:33:11 GMT",
  );
  deepEqual(sendmail.from, {
    ip: "128.32.1.5",
    reverseName: "relay.example",
    helo: "relay.example",
  });
  const exim = parseReceived(
    "from host.example ([185.12.64.10] helo=mail) by mx.example with esmtps " +
      "(TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256) (Exim 4.89) id 1a; 1 Jan 2026 00:00 +0000",
  );
  deepEqual(exim.from, { ip: "185.12.64.10", helo: "mail", reverseName: "host.example" });
  deepEqual(exim.tls, { version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384" });
  const qmail = parseReceived(
    "from mail.example (HELO smtp.example) (user@77.88.21.3) by mx.example with SMTP; " +
      "1 Jan 2026 00:00 -0000",
  );
  deepEqual(qmail.from, { ip: "77.88.21.3", helo: "smtp.example", reverseName: "mail.example" });
});

Deno.test("unparseable parts are kept raw with a warning", () => {
  const received = parseReceived("from (((broken by ; not a date");
  ok(received.warnings.length > 0);
  equal(received.raw, "from (((broken by ; not a date");
  equal(received.time, undefined);
});

Deno.test("property: any text parses without throwing and keeps its raw value", () => {
  const alphabet = fc.constantFrom(..."from by with id for via ();[]<>:@.-\t\r\n aZ09=".split(""));
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 200 })), (text) => {
      equal(parseReceived(text).raw, text);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("the date-time follows the last ';' outside comments, even one inside a word", () => {
  const received = parseReceived(
    "from a.example (a.example [81.2.69.1] (x; y \\) z)) by b.example id x;y for <c@d.example>;" +
      " 1 Jan 2026 00:00 +0000 (a; comment)",
  );
  deepEqual([received.id, received.for, received.from.ip], ["x;y", "c@d.example", "81.2.69.1"]);
  equal(received.time?.toISOString(), "2026-01-01T00:00:00.000Z");
  deepEqual(received.warnings, []);
  const open = parseReceived("from a.example (unclosed; by b.example");
  deepEqual(open.warnings, ["unclosed comment kept as written", "no ';' before a date-time"]);
});
