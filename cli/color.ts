/** Whether to colour output written to `stream`: only on a TTY, never when NO_COLOR is set. */
export function colorEnabled(stream: { isTerminal(): boolean } = Deno.stdout): boolean {
  const noColor = Deno.env.get("NO_COLOR");
  if (noColor !== undefined && noColor !== "") return false;
  return stream.isTerminal();
}

/** ANSI styles that become the identity when colour is off. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** A palette for `stream`, plain when {@link colorEnabled} says no. */
export function palette(stream: { isTerminal(): boolean } = Deno.stdout): Palette {
  const on = colorEnabled(stream);
  const sgr = (open: number, close: number) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}
