import { Argument, Command } from "@commander-js/extra-typings";

/** A flag as the completion scripts see it. */
interface FlagSpec {
  long?: string;
  short?: string;
  description: string;
  takesValue: boolean;
  choices: readonly string[];
}

/** A subcommand and its flags, read from the commander tree. */
interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
}

function flagsOf(cmd: Command): FlagSpec[] {
  return cmd.options.map((option) => ({
    long: option.long,
    short: option.short,
    description: option.description,
    takesValue: option.required || option.optional,
    choices: option.argChoices ?? [],
  }));
}

function specOf(root: Command): { root: CommandSpec; subs: CommandSpec[] } {
  const describe = (cmd: Command): CommandSpec => ({
    name: cmd.name(),
    description: cmd.summary() || cmd.description().split("\n")[0],
    flags: [...flagsOf(cmd), {
      long: "--help",
      short: "-h",
      description: "print help",
      takesValue: false,
      choices: [],
    }],
  });
  return { root: describe(root), subs: root.commands.map((c) => describe(c as Command)) };
}

const quoteSingle = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A bash completion script for the command tree under `root`. */
export function bashCompletion(root: Command): string {
  const { root: top, subs } = specOf(root);
  const cases = subs.map((sub) => {
    const words = sub.flags.flatMap((f) => [f.long, f.short]).filter(Boolean).join(" ");
    const valueCases = sub.flags.filter((f) => f.choices.length > 0).map((f) =>
      `        ${[f.long, f.short].filter(Boolean).join("|")}) COMPREPLY=( $(compgen -W ${
        quoteSingle(f.choices.join(" "))
      } -- "$cur") ); return ;;`
    ).join("\n");
    return `    ${sub.name})\n      case "$prev" in\n${valueCases}\n      esac\n      COMPREPLY=( $(compgen -W ${
      quoteSingle(words)
    } -- "$cur") $(compgen -f -- "$cur") ) ;;`;
  }).join("\n");
  const topWords = [
    ...subs.map((s) => s.name),
    "help",
    ...top.flags.flatMap((f) => [f.long, f.short]),
  ]
    .filter(Boolean).join(" ");
  return `# bash completion for postie
_postie() {
  local cur prev sub
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  sub="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W ${quoteSingle(topWords)} -- "$cur") )
    return
  fi
  case "$sub" in
${cases}
    help) COMPREPLY=( $(compgen -W ${quoteSingle(subs.map((s) => s.name).join(" "))} -- "$cur") ) ;;
  esac
}
complete -F _postie postie
`;
}

/** A zsh completion script for the command tree under `root`. */
export function zshCompletion(root: Command): string {
  const { subs } = specOf(root);
  const escape = (text: string) =>
    text.replaceAll("'", `'\\''`).replaceAll("[", "\\[").replaceAll("]", "\\]").replaceAll(
      ":",
      "\\:",
    );
  const commandList = subs.map((s) => `    '${s.name}:${escape(s.description)}'`).join("\n");
  const cases = subs.map((sub) => {
    const specs = sub.flags.map((f) => {
      const names = [f.short, f.long].filter(Boolean) as string[];
      const value = f.takesValue
        ? (f.choices.length ? `:value:(${f.choices.join(" ")})` : ":value:_files")
        : "";
      const head = names.length > 1 ? `{${names.join(",")}}` : names[0];
      return `        ${head}'[${escape(f.description)}]${value}'`;
    }).join(" \\\n");
    return `      ${sub.name})\n        _arguments \\\n${specs} \\\n        '*:file:_files' ;;`;
  }).join("\n");
  return `#compdef postie
_postie() {
  local -a commands
  commands=(
${commandList}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _postie postie
`;
}

/** A fish completion script for the command tree under `root`. */
export function fishCompletion(root: Command): string {
  const { subs } = specOf(root);
  const lines = ["# fish completion for postie", "complete -c postie -f"];
  for (const sub of subs) {
    lines.push(
      `complete -c postie -n __fish_use_subcommand -a ${sub.name} -d ${
        quoteSingle(sub.description)
      }`,
    );
    for (const flag of sub.flags) {
      const parts = [`complete -c postie -n '__fish_seen_subcommand_from ${sub.name}'`];
      if (flag.long) parts.push(`-l ${flag.long.slice(2)}`);
      if (flag.short) parts.push(`-s ${flag.short.slice(1)}`);
      if (flag.takesValue) {
        parts.push(flag.choices.length ? `-x -a ${quoteSingle(flag.choices.join(" "))}` : "-r -F");
      }
      parts.push(`-d ${quoteSingle(flag.description)}`);
      lines.push(parts.join(" "));
    }
  }
  return lines.join("\n") + "\n";
}

const GENERATORS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion };

/** `postie completions bash|zsh|fish`: prints a completion script generated from the command tree. */
export function completionsCommand(root: () => Command): Command<[string]> {
  return new Command("completions")
    .summary("print a shell completion script (bash, zsh or fish)")
    .addArgument(new Argument("<shell>", "the shell").choices(Object.keys(GENERATORS)))
    .addHelpText(
      "after",
      `
Examples:
  postie completions bash > /etc/bash_completion.d/postie
  postie completions fish > ~/.config/fish/completions/postie.fish`,
    )
    .action((shell) => {
      const generate = GENERATORS[shell as keyof typeof GENERATORS];
      console.log(generate(root()).trimEnd());
    });
}
