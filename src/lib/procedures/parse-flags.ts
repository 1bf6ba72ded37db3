import { type Outcome, accept, refuse, show } from '../shared/index.ts';

// Follows spf13/pflag, which the docker CLI uses: `--flag value`, `--flag=value`,
// `-f value`, `-fvalue`, `-f=value`, clustered short switches (`-it`), `--` ends flags,
// and a repeated single-valued flag keeps its last value.

/** One flag a docker subcommand accepts. `name` is the canonical long name, without dashes. */
export type FlagSpec = {
  name: string;
  short?: string;
  aliases?: readonly string[];
  takesValue: boolean;
};

/** A flag runbook-live recognises but refuses, with the reason shown to the author. */
export type RefusedFlag = { name: string; short?: string; aliases?: readonly string[]; reason: string };

/** The flags of one docker subcommand, e.g. "docker run". */
export type FlagTable = {
  command: string;
  flags: readonly FlagSpec[];
  refused: readonly RefusedFlag[];
  /** false for `docker run`: the first positional (the image) ends flag parsing. */
  interspersed: boolean;
};

/** Flags found in an argv, keyed by canonical long name. */
export type ParsedFlags = {
  /** Every value of each value-taking flag, in order; absent when not given. */
  values: Record<string, string[]>;
  /** Every switch, false unless given. */
  switches: Record<string, boolean>;
  positionals: string[];
};

type Applied = 'applied' | 'unknown' | { reason: string };

const BOOLEAN_WORDS: Record<string, boolean> = {
  '1': true, t: true, T: true, true: true, TRUE: true, True: true,
  '0': false, f: false, F: false, false: false, FALSE: false, False: false,
};

/** Formats a flag with its short form and aliases, e.g. "-e/--env" or "--network/--net". */
export function flagLabel(flag: { name: string; short?: string; aliases?: readonly string[] }): string {
  const longs = [flag.name, ...(flag.aliases ?? [])].map((name) => `--${name}`).join('/');
  return flag.short === undefined ? longs : `-${flag.short}/${longs}`;
}

/** The last value given for a single-valued flag, as pflag keeps it. */
export function lastValue(parsed: ParsedFlags, name: string): string | undefined {
  return parsed.values[name]?.at(-1);
}

/** Parses `args` (the words after the subcommand) against `table`. */
export function parseFlags(args: readonly string[], table: FlagTable): Outcome<ParsedFlags> {
  const parsed: ParsedFlags = { values: {}, switches: {}, positionals: [] };
  for (const flag of table.flags) if (!flag.takesValue) parsed.switches[flag.name] = false;
  const unsupported = (written: string): Outcome<ParsedFlags> =>
    refuse(
      `unsupported flag ${written} for ${table.command}; runbook-live supports: ` +
        table.flags.map(flagLabel).join(', '),
    );

  let index = 0;
  // Applies one flag occurrence; `inline` is a value attached with = or (for short flags) directly.
  const apply = (written: string, lookupName: string, isShort: boolean, inline: string | undefined): Applied => {
    const matches = (flag: { name: string; short?: string; aliases?: readonly string[] }): boolean =>
      isShort ? flag.short === lookupName : flag.name === lookupName || (flag.aliases ?? []).includes(lookupName);
    const refused = table.refused.find(matches);
    if (refused !== undefined) return { reason: `${table.command} ${flagLabel(refused)}: ${refused.reason}` };
    const spec = table.flags.find(matches);
    if (spec === undefined) return 'unknown';
    if (!spec.takesValue) {
      const value = inline === undefined ? true : BOOLEAN_WORDS[inline];
      if (value === undefined) {
        return { reason: `flag ${written} for ${table.command} takes true or false, not ${show(inline ?? '')}` };
      }
      parsed.switches[spec.name] = value;
      return 'applied';
    }
    let value = inline;
    if (value === undefined) {
      value = args[index + 1];
      if (value === undefined) return { reason: `flag ${written} for ${table.command} needs a value` };
      index += 1;
    }
    (parsed.values[spec.name] ??= []).push(value);
    return 'applied';
  };

  for (; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      parsed.positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (!table.interspersed) {
        parsed.positionals.push(...args.slice(index));
        break;
      }
      parsed.positionals.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const applied = apply(`--${name}`, name, false, eq === -1 ? undefined : arg.slice(eq + 1));
      if (applied === 'unknown') return unsupported(`--${name}`);
      if (applied !== 'applied') return refuse(applied.reason);
      continue;
    }
    // A cluster of shorthands: switches until one that takes a value, which eats the rest.
    for (let at = 1; at < arg.length; at += 1) {
      const short = arg[at] ?? '';
      const spec = table.flags.find((flag) => flag.short === short);
      const rest = arg.slice(at + 1);
      const takesRest = spec?.takesValue === true || (rest.startsWith('=') && spec !== undefined);
      const inline = takesRest && rest !== '' ? rest.replace(/^=/, '') : undefined;
      const applied = apply(`-${short}`, short, true, inline);
      if (applied === 'unknown') return unsupported(`-${short}`);
      if (applied !== 'applied') return refuse(applied.reason);
      if (takesRest) break;
    }
  }
  return accept(parsed);
}
