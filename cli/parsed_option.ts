import { Option } from "@commander-js/extra-typings";

/**
 * An option whose value goes through `parse` (which throws commander's InvalidArgumentError on
 * bad input, so the error names the flag), with a default written as the user would write it.
 */
export function parsed<Flags extends string, T>(
  flags: Flags,
  description: string,
  parse: (text: string) => T,
  defaultText: string,
) {
  return new Option(flags, description).argParser((text: string) => parse(text)).default(
    parse(defaultText),
    defaultText,
  );
}
