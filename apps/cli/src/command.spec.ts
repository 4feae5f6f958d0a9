import { EnvValidationError } from '@lianjian/common';
import { type Command, CommandError, execute, type Options, parseArgs, UsageError } from './command';

const OPTIONS = {
  rows: { type: 'integer', min: 1, max: 1000 },
  rate: 'number',
  keep: 'boolean',
  dataset: { type: 'string', choices: ['chicago', 'synthetic'] },
  end: 'date',
  source: 'strings',
  name: 'string',
} as const;

function run(argv: string[], cmd: Partial<Command<Options>> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const seen: unknown[] = [];
  const command: Command<Options> = {
    name: 'bench:test',
    usage: '[--rows N] [--keep]',
    options: OPTIONS,
    run: async (args) => {
      seen.push(args);
    },
    ...cmd,
  };
  return execute(command, argv, { out: (t) => out.push(t), err: (t) => err.push(t) }).then((code) => ({
    code,
    out: out.join('\n'),
    err: err.join('\n'),
    seen,
  }));
}

describe('parseArgs', () => {
  it('reads --name value, --name=value and flags, typed by the options', () => {
    expect(
      parseArgs(
        ['--rows', '20', '--rate=2.5', '--keep', '--dataset', 'chicago', '--end=2025-12-31', '--name', 'x'],
        OPTIONS,
      ),
    ).toEqual({ _: [], rows: 20, rate: 2.5, keep: true, dataset: 'chicago', end: '2025-12-31', name: 'x' });
    expect(parseArgs([], OPTIONS)).toEqual({ _: [] });
    expect(parseArgs(['--keep=false'], OPTIONS)).toEqual({ _: [], keep: false });
  });

  it('collects a repeatable option and up to the allowed number of bare arguments', () => {
    expect(parseArgs(['--source', 'a', 'file.csv', '--source=b'], OPTIONS, 1)).toEqual({
      _: ['file.csv'],
      source: ['a', 'b'],
    });
    expect(() => parseArgs(['a.csv', 'b.csv'], OPTIONS, 1)).toThrow("unexpected argument 'b.csv'");
  });

  it.each([
    [['--records', 'x'], 'unknown option --records'],
    [['--rows'], '--rows needs a value'],
    [['--rows', '--keep'], '--rows needs a value'],
    [['--rows', 'ten'], "--rows must be an integer, got 'ten'"],
    [['--rows', '1.5'], "--rows must be an integer, got '1.5'"],
    [['--rows', '0'], '--rows must be 1…1,000, got 0'],
    [['--rows', '5000'], '--rows must be 1…1,000, got 5000'],
    [['--rate', ''], "--rate must be a number, got ''"],
    [['--keep=yes'], '--keep is a flag'],
    [['--dataset', 'paris'], "--dataset must be one of chicago, synthetic, got 'paris'"],
    [['--end', '2025-02-30x'], '--end must be a date YYYY-MM-DD'],
    [['--end', '2025-13-01'], '--end must be a date YYYY-MM-DD'],
    [['--name', 'a', '--name', 'b'], '--name is given twice'],
    [['stray'], "unexpected argument 'stray'"],
    [['--constructor', 'x'], 'unknown option --constructor'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseArgs(argv, OPTIONS)).toThrow(UsageError);
    expect(() => parseArgs(argv, OPTIONS)).toThrow(message);
  });
});

describe('execute', () => {
  it('runs the command with its arguments and exits 0, or with the code it returns', async () => {
    const ok = await run(['--rows', '3']);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.seen).toEqual([{ _: [], rows: 3 }]);
    expect((await run([], { run: async () => 2 })).code).toBe(2);
  });

  it('answers a bad argument with the usage on stderr and exit code 2, without running', async () => {
    const res = await run(['--records', 'x']);
    expect(res.code).toBe(2);
    expect(res.err).toBe(
      'bench:test: unknown option --records\nusage: npm run bench:test -- [--rows N] [--keep]',
    );
    expect(res.err).not.toMatch(/\bat /);
    expect(res.seen).toEqual([]);
  });

  it('answers a UsageError thrown by the command (a missing required option) the same way', async () => {
    const res = await run([], {
      run: async () => {
        throw new UsageError('--dataset is required');
      },
    });
    expect(res).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^bench:test: --dataset is required\nusage: /),
    });
  });

  it('prints the usage on stdout for --help', async () => {
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      out: 'usage: npm run bench:test -- [--rows N] [--keep]',
      seen: [],
    });
    expect((await run(['--help'], { name: 'migrate', usage: '' })).out).toBe(
      'usage: npm run migrate (no options)',
    );
  });

  it('gives expected failures as one line and unexpected ones with their stack, exit code 1', async () => {
    const fail = (e: Error) => run([], { run: async () => Promise.reject(e) });
    expect(await fail(new CommandError('no such file: x.csv'))).toMatchObject({
      code: 1,
      err: 'bench:test: no such file: x.csv',
    });
    expect(await fail(new EnvValidationError('DATABASE_URL: must be a postgres:// URL'))).toMatchObject({
      code: 1,
      err: 'DATABASE_URL: must be a postgres:// URL',
    });
    const bug = await fail(new TypeError('x is undefined'));
    expect(bug.code).toBe(1);
    expect(bug.err).toMatch(/^bench:test failed: TypeError: x is undefined\n\s+at /);
  });
});
