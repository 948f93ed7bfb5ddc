/**
 * `postie trace --html`: the report page opened in headless Chromium (driven by
 * playwright-core), its hop timeline, findings and notes read from the DOM, no request
 * leaving the page, and a PNG screenshot taken.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { chromium } from "playwright-core";
import { runPostie } from "../cli/run_postie.ts";
import { peerPath, peerTest } from "../peers.ts";

const FIXTURE = new URL("../fixtures/trace/gmail_forwarded_arc.eml", import.meta.url).pathname;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

peerTest("trace --html renders in Chromium: timeline, findings, no requests, screenshot", [
  "chromium",
], async () => {
  const dir = await Deno.makeTempDir({ prefix: "postie-trace-html-" });
  // Root may not use Chromium's sandbox; the page is our own, from a file, offline.
  const browser = await chromium.launch({
    executablePath: peerPath("chromium"),
    chromiumSandbox: false,
  });
  try {
    const page = `${dir}/report.html`;
    const { code } = await runPostie(["trace", "--html", page, FIXTURE]);
    equal(code, 0);
    const url = new URL(`file://${page}`).href;
    const tab = await browser.newPage();
    const requests: string[] = [];
    tab.on("request", (request) => requests.push(request.url()));
    await tab.goto(url);
    // A self-contained page: the only request is the page itself.
    deepEqual(requests, [url]);

    const rows = tab.locator("#hops tbody tr");
    equal(await rows.count(), 3);
    deepEqual(await rows.locator("td:nth-child(3)").allTextContents(), [
      "mail.lists.example.com",
      "mx.google.com",
      "2002:a05:7300:8f1a:b0:1a2:3b4c:5d6e",
    ]);
    // Every hop has a bar on the timeline, visible, inside its lane, the lane inside the view.
    const lanes = await tab.locator("#hops .lane").all();
    equal(lanes.length, 3);
    const viewport = tab.viewportSize()!;
    for (const lane of lanes) {
      const outer = (await lane.boundingBox())!;
      const bar = (await lane.locator(".span").boundingBox())!;
      ok(bar.width > 0 && bar.height > 0, JSON.stringify(bar));
      ok(bar.x >= outer.x - 0.5 && bar.x + bar.width <= outer.x + outer.width + 0.5);
      ok(outer.x + outer.width <= viewport.width, `lane ends at ${outer.x + outer.width}`);
    }
    const findings = await tab.locator("#findings li").allTextContents();
    ok(findings.some((text) => text.startsWith("error auth-dmarc: dmarc=fail")), findings[0]);
    ok(findings.some((text) => text.startsWith("info arc-chain: ARC chain of 2 sets")));
    equal(await tab.locator("#findings li.error").count(), 1);
    const notes = await tab.locator("#notes li").allTextContents();
    ok(notes.includes("Return-Path: <list-bounces+erin=gmail.com@lists.example.com>"), notes[0]);

    const screenshot = `${dir}/report.png`;
    await tab.screenshot({ path: screenshot, fullPage: true });
    const png = await Deno.readFile(screenshot);
    ok(png.length > 1000, `${png.length} bytes`);
    deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
