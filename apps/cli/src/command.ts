import { DomainError, EnvValidationError } from '@lianjian/common';

// The one argument parser and usage mechanism of every command run by `npm run …` (the operator
// commands here, the tools and the benchmarks): `--name value`, `--name=value` and `--flag`, checked
// against the command's options. A bad argument is answered with the command's usage on stderr and
// exit code 2, never a stack trace.

export type OptionType = 'string' | 'strings' | 'number' | 'integer' | 'boolean' | 'date';

export interface OptionSpec {
  type: OptionType;
  min?: number; // number and integer
  max?: number;
  choices?: readonly string[]; // string
}

export type Options = Record<string, OptionType | OptionSpec>;

type TypeOf<S> = S extends OptionType ? S : S extends { type: infer T } ? T : never;
type ValueOf<T> = T extends 'number' | 'integer'
  ? number
  : T extends 'boolean'
    ? boolean
    : T extends 'strings'
      ? string[]
      : string;

// Options not given are absent; `_` holds the bare arguments (a file name), when the command takes any.
export type Args<O extends Options> = { -readonly [K in keyof O]?: ValueOf<TypeOf<O[K]>> } & {
  _: string[];
};

// A bad argument: the message, then the usage (exit code 2).
export class UsageError extends Error {}

// An expected failure (a missing file, an unknown model): the message alone (exit code 1).
export class CommandError extends Error {}

export interface Command<O extends Options> {
  name: string; // npm run <name>
  usage: string; // what follows `npm run <name> --` ('' for a command without options)
  options: O;
  positionals?: number; // how many bare arguments the command takes (default none)
  // Returns the exit code (0 when nothing is returned).
  run: (args: Args<O>) => Promise<number | void>;
}

const spec = (s: OptionType | OptionSpec): OptionSpec => (typeof s === 'string' ? { type: s } : s);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseArgs<O extends Options>(argv: readonly string[], options: O, positionals = 0): Args<O> {
  const out: Record<string, unknown> = { _: [] };
  const bare = out._ as string[];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      if (bare.length >= positionals) throw new UsageError(`unexpected argument '${a}'`);
      bare.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const inline = eq < 0 ? undefined : a.slice(eq + 1);
    if (!Object.hasOwn(options, name)) throw new UsageError(`unknown option --${name}`);
    const { type, min, max, choices } = spec(options[name]);
    if (type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false')
        throw new UsageError(`--${name} is a flag: give it alone, or as --${name}=true|false`);
      out[name] = inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value`);
    if (type === 'number' || type === 'integer') {
      const n = value.trim() === '' ? NaN : Number(value);
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n)))
        throw new UsageError(
          `--${name} must be ${type === 'integer' ? 'an integer' : 'a number'}, got '${value}'`,
        );
      if ((min !== undefined && n < min) || (max !== undefined && n > max))
        throw new UsageError(`--${name} must be ${range(min, max)}, got ${value}`);
      out[name] = n;
    } else if (type === 'date') {
      if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
        throw new UsageError(`--${name} must be a date YYYY-MM-DD, got '${value}'`);
      out[name] = value;
    } else {
      if (choices && !choices.includes(value))
        throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${value}'`);
      if (type === 'strings') out[name] = [...((out[name] as string[] | undefined) ?? []), value];
      else if (name in out) throw new UsageError(`--${name} is given twice`);
      else out[name] = value;
    }
  }
  return out as Args<O>;
}

function range(min: number | undefined, max: number | undefined): string {
  const f = (n: number) => n.toLocaleString('en-US');
  if (min !== undefined && max !== undefined) return `${f(min)}…${f(max)}`;
  return min !== undefined ? `≥ ${f(min)}` : `≤ ${f(max as number)}`;
}

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

// Parses, runs and answers: the exit code. `--help` prints the usage (exit 0).
export async function execute<O extends Options>(
  cmd: Command<O>,
  argv: readonly string[],
  io: CommandIo = stdio,
): Promise<number> {
  const usage = cmd.usage
    ? `usage: npm run ${cmd.name} -- ${cmd.usage}`
    : `usage: npm run ${cmd.name} (no options)`;
  if (argv.includes('--help') && !Object.hasOwn(cmd.options, 'help')) {
    io.out(usage);
    return 0;
  }
  try {
    return (await cmd.run(parseArgs(argv, cmd.options, cmd.positionals ?? 0))) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${cmd.name}: ${e.message}\n${usage}`);
      return 2;
    }
    if (e instanceof EnvValidationError) io.err(e.message);
    else if (e instanceof CommandError) io.err(`${cmd.name}: ${e.message}`);
    else if (e instanceof DomainError)
      io.err([`${cmd.name}: ${e.message}`, ...e.details.map((d) => `  - ${String(d)}`)].join('\n'));
    // Anything else is a fault of the program or the machine: the stack helps whoever looks into it.
    else io.err(`${cmd.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

// The entry point of a command file: runs it with the process's arguments and exits with its code.
// Started once the file has been evaluated, so `run` may use constants declared below the call.
export function runCommand<O extends Options>(cmd: Command<O>): void {
  void Promise.resolve()
    .then(() => execute(cmd, process.argv.slice(2)))
    .then((code) => process.exit(code));
}

// The last line a command prints: its figures as one JSON object, for scripts that read the output.
export function printJsonLine(result: object): void {
  console.log(JSON.stringify(result));
}
