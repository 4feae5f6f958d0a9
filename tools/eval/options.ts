import { type Args, UsageError } from '../../apps/cli/src/command';
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
} as const;

export const EVAL_USAGE =
  '--dataset chicago|synthetic [--model FILE] [--data-dir DIR] [--keep] ' +
  '[--entities N] [--seed S] [--end YYYY-MM-DD] [--years Y]';

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
