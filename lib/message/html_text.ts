/**
 * A plain-text rendering of an HTML body, for showing the text of HTML-only mail.
 *
 * @module
 */

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/**
 * Turns HTML into readable text: scripts, styles and comments dropped, block elements and
 * `<br>` become line breaks, tags removed, entities decoded, runs of blank lines collapsed.
 * Not a browser: good enough to read a message, not to lay one out.
 *
 * @example
 * ```ts
 * htmlToText("<p>Hello&nbsp;<b>world</b></p><p>Bye</p>"); // "Hello world\n\nBye"
 * ```
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote)\s*>/gi, "\n\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => entity(name) ?? all)
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function entity(name: string): string | undefined {
  if (name[0] !== "#") return ENTITIES[name.toLowerCase()];
  const code = name[1] === "x" || name[1] === "X"
    ? parseInt(name.slice(2), 16)
    : parseInt(name.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}
