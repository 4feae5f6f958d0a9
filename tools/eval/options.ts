import { type Args, UsageError } from '../../apps/cli/src/command';
import { type RecordsOptions, recordsOptions } from './records';
import {
  checkDataFiles,
  DATASETS,
  type DatasetName,
  type DatasetOptions,
  type EvalEnv,
  resolveDataDir,
} from './data';

// Command-line options shared by `npm run eval` and `npm run fit`.

export const EVAL_OPTIONS = {
  dataset: { type: 'string', choices: DATASETS },
  model: 'string',
  'data-dir': 'string',
  keep: 'boolean',
  entities: { type: 'integer', min: 100, max: 1_000_000 },
  seed: 'number',
  end: 'date',
  // T is 12 months before the end, training 24.
  years: { type: 'integer', min: 3, max: 10 },
  // Any NDJSON file of canonical records instead of a data set (records.ts). The date and the horizon
  // are read as text and checked there, so their errors come in zh-CN and English.
  records: 'string',
  'as-of': 'string',
  'horizon-days': 'string',
  // Record the figures in the model's card (config/scoring/cards/<version>.json), replacing an earlier
  // evaluation on the same data set.
  card: 'boolean',
} as const;

export const EVAL_USAGE =
  '--dataset chicago|synthetic [--model FILE] [--data-dir DIR] [--keep] [--card] ' +
  '[--entities N] [--seed S] [--end YYYY-MM-DD] [--years Y]  |  ' +
  '--records FILE --as-of YYYY-MM-DD --horizon-days N [--model FILE] [--keep]';

const DATASET_ONLY = ['dataset', 'data-dir', 'entities', 'seed', 'end', 'years'] as const;
const RECORDS_ONLY = ['as-of', 'horizon-days'] as const;

// What a run backtests: a named data set, or a file of records.
export type EvalInput = { dataset: CommonOptions } | { records: RecordsOptions };

export async function evalInput(args: Args<typeof EVAL_OPTIONS>, env: EvalEnv): Promise<EvalInput> {
  if (args.records === undefined) {
    const stray = RECORDS_ONLY.find((k) => args[k] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --records FILE (仅用于 --records)`);
    return { dataset: commonOptions(args, env) };
  }
  const stray = DATASET_ONLY.find((k) => args[k] !== undefined);
  if (stray)
    throw new UsageError(`--${stray} goes with --dataset, not --records (--records 不能与 --${stray} 同用)`);
  return { records: await recordsOptions(args) };
}

export interface CommonOptions extends DatasetOptions {
  dataset: DatasetName;
}

// Options shared by eval and fit, checked before anything is created.
export function commonOptions(args: Args<typeof EVAL_OPTIONS>, env: EvalEnv): CommonOptions {
  const dataset = args.dataset as DatasetName | undefined;
  if (!dataset) throw new UsageError(`--dataset is required (${DATASETS.join(', ')})`);
  const dataDir = resolveDataDir(args['data-dir'], env);
  checkDataFiles(dataset, dataDir);
  return {
    dataset,
    dataDir,
    keep: Boolean(args.keep),
    entities: args.entities ?? 10_000,
    seed: args.seed ?? 42,
    end: args.end ?? '2025-12-31',
    years: args.years ?? 4,
  };
}
