import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Args, type Command, CommandError, printJsonLine, runCommand } from '../../apps/cli/src/command';

const run = promisify(execFile);

const OPTIONS = {
  models: 'string', // comma-separated files; default the shipped default and scorecard-v1
  records: 'string', // an NDJSON file of canonical records (unseen data), with --as-of and --horizon-days
  'as-of': 'date',
  'horizon-days': { type: 'integer', min: 1 },
  'data-dir': 'string',
} as const;

interface Figures {
  auc: number | null;
  daysEarlier?: number | null;
  precisionAt10?: number | null;
  baselines?: Record<string, { auc: number | null }>;
  classMix?: Record<string, number>;
  classMixFlagged?: boolean;
}

const DECAYED = /^decayed severity count/;

// npm run eval:compare: every model on every data set in one run, side by side (issue 15: "a model
// that wins one data set by losing another is not the answer"): the Chicago test period, the seeded
// province and, with --records FILE --as-of D --horizon-days N, any file of canonical records (data
// the models never saw), each beside the decayed severity count on the same cases. Each cell is one
// `npm run eval` run (its own scratch database, dropped afterwards); the last line is JSON.
const compareCommand: Command<typeof OPTIONS> = {
  name: 'eval:compare',
  usage:
    '[--models config/scoring/a.json,config/scoring/b.json] [--records FILE --as-of YYYY-MM-DD --horizon-days N] [--data-dir DIR]',
  options: OPTIONS,
  run: (args) => compare(args),
};

async function evalOnce(argv: string[]): Promise<Figures> {
  const script = join(__dirname, '..', '..', '..', 'scripts', 'run.js');
  try {
    const { stdout } = await run(process.execPath, [script, 'tools/eval/eval', ...argv], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const last = stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(last) as Figures;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new CommandError(
      `npm run eval -- ${argv.join(' ')} failed: ${(err.stderr || err.stdout || err.message).trim().split('\n').slice(-3).join(' ')}`,
    );
  }
}

async function compare(args: Args<typeof OPTIONS>): Promise<void> {
  const t0 = Date.now();
  const models = String(args.models ?? 'config/scoring/scorecard-v2.json,config/scoring/scorecard-v1.json')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (args.records !== undefined && (args['as-of'] === undefined || args['horizon-days'] === undefined))
    throw new CommandError(
      '--records needs --as-of and --horizon-days (--records 需要 --as-of 与 --horizon-days)',
    );
  const dataDir = args['data-dir'] ? ['--data-dir', args['data-dir']] : [];
  const sets: { name: string; argv: string[] }[] = [
    { name: 'chicago', argv: ['--dataset', 'chicago', ...dataDir] },
    { name: 'synthetic', argv: ['--dataset', 'synthetic'] },
    ...(args.records
      ? [
          {
            name: 'records',
            argv: [
              '--records',
              args.records,
              '--as-of',
              args['as-of']!,
              '--horizon-days',
              String(args['horizon-days']),
            ],
          },
        ]
      : []),
  ];
  const table: Record<string, Record<string, Figures>> = {};
  for (const model of models) {
    const version = model.replace(/^.*\//, '').replace(/\.json$/, '');
    table[version] = {};
    for (const set of sets) {
      console.log(`eval 回测: ${version} on ${set.name} …`);
      table[version][set.name] = await evalOnce([...set.argv, '--model', model]);
    }
  }
  const decayed: Record<string, number | null> = {};
  for (const set of sets) {
    const any = Object.values(table)[0][set.name];
    const entry = Object.entries(any.baselines ?? {}).find(([k]) => DECAYED.test(k));
    decayed[set.name] = entry?.[1].auc ?? null;
  }
  const cell = (f: Figures) =>
    `${f.auc?.toFixed(3) ?? '–'}${f.daysEarlier != null ? ` (${f.daysEarlier.toFixed(2)} d)` : ''}${f.classMixFlagged ? ' mix!' : ''}`;
  console.log('');
  console.log(
    `AUC (days earlier) by model and data set 各模型在各数据集上的 AUC（提前发现天数）; "mix!" = class mix beyond policy`,
  );
  console.log(['model'.padEnd(30), ...sets.map((s) => s.name.padEnd(24))].join(''));
  for (const [version, row] of Object.entries(table))
    console.log([version.padEnd(30), ...sets.map((s) => cell(row[s.name]).padEnd(24))].join(''));
  console.log(
    [
      'decayed severity count'.padEnd(30),
      ...sets.map((s) => (decayed[s.name]?.toFixed(3) ?? '–').padEnd(24)),
    ].join(''),
  );
  printJsonLine({
    eval: 'compare',
    models: Object.fromEntries(
      Object.entries(table).map(([v, row]) => [
        v,
        Object.fromEntries(
          Object.entries(row).map(([set, f]) => [
            set,
            {
              auc: f.auc,
              daysEarlier: f.daysEarlier ?? null,
              precisionAt10: f.precisionAt10 ?? null,
              classMixFlagged: f.classMixFlagged ?? null,
            },
          ]),
        ),
      ]),
    ),
    decayedSeverityCount: decayed,
    ...(args.records
      ? { records: args.records, asOf: args['as-of'], horizonDays: args['horizon-days'] }
      : {}),
    seconds: Math.round((Date.now() - t0) / 100) / 10,
  });
}

runCommand(compareCommand);
