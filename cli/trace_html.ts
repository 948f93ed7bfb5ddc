/**
 * `postie trace --html FILE`: a self-contained report page (no external resources) with a hop
 * timeline chart, the hop table, the findings and the header fields, to share.
 *
 * @module
 */

import {
  clientName,
  formatDuration,
  type Hop,
  type Received,
  type SignatureTags,
  type Trace,
} from "../lib/trace/mod.ts";

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{padding:.25em .6em;text-align:left;border-bottom:1px solid #ddd}
.lane{position:relative;width:14em;height:1em;background:#f3f3f3}
td{white-space:nowrap}
.span{position:absolute;top:0;height:1em;background:#3a7bd5}
.skew{color:#b8860b}.error{color:#c62828}.warning{color:#b8860b}.info{color:#666}
pre{background:#f7f7f7;padding:1em;overflow:auto;white-space:pre-wrap}`;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and attribute values. */
function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/**
 * X-Received notes (handoffs inside one provider, not hops), Return-Path, and the DKIM and ARC
 * signers as the header claims them: lines for the text report and the page alike.
 *
 * @example
 * ```ts
 * traceNotes(traceMessage(bytes)); // ["Return-Path: <a@b.example>", "DKIM-Signature: d=b.example s=s1 a=rsa-sha256"]
 * ```
 */
export function traceNotes({ header }: Trace): string[] {
  const time = (received: Received) => received.time ? ` at ${utcText(received.time)}` : "";
  const signer = (tags: SignatureTags) =>
    [`d=${tags.domain ?? "?"}`, `s=${tags.selector ?? "?"}`, `a=${tags.algorithm ?? "?"}`]
      .join(" ");
  return [
    ...header.xReceived.map(({ received }) =>
      `internal: X-Received by ${received.by ?? "?"}${
        received.with ? ` with ${received.with}` : ""
      }${time(received)}`
    ),
    ...(header.returnPath === undefined ? [] : [`Return-Path: <${header.returnPath}>`]),
    ...header.dkimSignatures.map((signature) => `DKIM-Signature: ${signer(signature)}`),
    ...header.arc.sets.map((set) =>
      `ARC i=${set.instance}: ${set.seal ? signer(set.seal) : "no seal"}` +
      ` cv=${set.seal?.chainValidation ?? "?"}` +
      (set.authenticationResults ? `, results by ${set.authenticationResults.authservId}` : "")
    ),
  ];
}

/** An instant as people read it in a trace: `2026-11-24 04:47:22Z`. */
export function utcText(time: Date): string {
  return time.toISOString().replace("T", " ").replace(/\.000Z$/, "Z");
}

/**
 * The report page for a trace: verdict, a timeline where each hop's bar spans from the
 * previous instant to its own, the findings, the notes and signers, and the header fields as
 * received.
 */
export function renderTraceHtml(trace: Trace): string {
  const decoder = new TextDecoder();
  const headers = trace.fields.map((field) => decoder.decode(field.raw)).join("");
  const findings = trace.findings.map((finding) =>
    `<li class="${finding.severity}"><b>${finding.severity}</b> ${escape(finding.code)}: ` +
    `${escape(finding.message)}</li>`
  );
  const notes = traceNotes(trace).map((line) => `<li>${escape(line)}</li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>postie trace</title>
<style>${STYLE}</style></head><body>
<h1>Received path</h1>
<p><b>verdict:</b> ${escape(trace.verdict)}</p>
<table id="hops"><thead><tr><th>n</th><th>from</th><th>by</th><th>with</th><th>TLS</th><th>time (UTC)</th>
<th>delay</th><th>timeline</th></tr></thead><tbody>
${hopRows(trace).join("\n")}
</tbody></table>
<h2>Findings</h2>
<ul id="findings">${findings.join("\n") || "<li>none</li>"}</ul>
<h2>Notes and signers (as claimed)</h2>
<ul id="notes">${notes.join("\n") || "<li>none</li>"}</ul>
<h2>Header fields</h2>
<pre>${escape(headers)}</pre>
</body></html>
`;
}

/** One table row per hop, with its span on a timeline from the first instant to the last. */
function hopRows(trace: Trace): string[] {
  const instants = [trace.date, ...trace.hops.map((hop) => hop.received.time)]
    .flatMap((date) => date ? [date.getTime()] : []);
  const start = Math.min(...instants);
  const span = Math.max(1, Math.max(...instants) - start);
  return trace.hops.map((hop) => {
    const received = hop.received;
    const cells = [
      `${hop.index}${hop.trusted ? " (trusted)" : ""}`,
      clientName(hop),
      received.by ?? "?",
      received.with ?? "",
      received.tls ? received.tls.version ?? "yes" : "-",
      received.time ? utcText(received.time) : "?",
      hop.delaySeconds === undefined ? "" : formatDuration(hop.delaySeconds),
    ].map((cell) => `<td>${escape(cell)}</td>`);
    return `<tr>${cells.join("")}<td>${lane(hop, start, span)}</td></tr>`;
  });
}

/** The hop's bar: from the previous instant to its own, as percentages of the whole span. */
function lane(hop: Hop, start: number, span: number): string {
  const time = hop.received.time?.getTime();
  const delay = hop.delaySeconds;
  if (time === undefined || delay === undefined) return "";
  if (delay < 0) return `<span class="skew">clock skew</span>`;
  const left = ((time - delay * 1000 - start) / span) * 100;
  const width = Math.max(0.5, (delay * 1000 / span) * 100);
  return `<div class="lane"><div class="span" style="left:${left.toFixed(2)}%;` +
    `width:${width.toFixed(2)}%"></div></div>`;
}
