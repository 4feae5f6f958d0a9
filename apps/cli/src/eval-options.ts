import {
  checkDataFiles,
  DATASETS,
  type DatasetName,
  type EvalEnv,
  resolveDataDir,
  UsageError,
} from './eval-data';

// Command-line options shared by `npm run eval` and `npm run fit`.

export const EVAL_USAGE =
  'npm run eval -- --dataset chicago|synthetic [--model FILE] [--data-dir DIR] [--keep] ' +
  '[--entities N] [--seed S] [--end YYYY-MM-DD] [--years Y]';

export const EVAL_ARGS = {
  dataset: 'string',
  model: 'string',
  'data-dir': 'string',
  keep: 'boolean',
  entities: 'number',
  seed: 'number',
  end: 'string',
  years: 'number',
} as const;

export interface CommonOptions {
  dataset: DatasetName;
  dataDir: string;
  keep: boolean;
  entities: number;
  seed: number;
  end: string;
  years: number;
}

// Options shared by eval and fit, checked before anything is created.
export function commonOptions(
  args: Record<string, string | number | boolean>,
  env: EvalEnv,
  usage: string,
): CommonOptions {
  const dataset = args.dataset as DatasetName | undefined;
  if (!dataset || !DATASETS.includes(dataset))
    throw new UsageError(`--dataset must be one of ${DATASETS.join(', ')}\nusage: ${usage}`);
  const entities = Number(args.entities ?? 10_000);
  if (!Number.isInteger(entities) || entities < 100 || entities > 1_000_000)
    throw new UsageError(`--entities must be an integer 100…1,000,000\nusage: ${usage}`);
  const years = Number(args.years ?? 4);
  if (!Number.isInteger(years) || years < 3 || years > 10)
    throw new UsageError(`--years must be an integer 3…10 (T is 12 months before the end, training 24)`);
  const end = String(args.end ?? '2025-12-31');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new UsageError('--end must be YYYY-MM-DD');
  const dataDir = resolveDataDir(args['data-dir'] as string | undefined, env);
  checkDataFiles(dataset, dataDir);
  return { dataset, dataDir, keep: Boolean(args.keep), entities, seed: Number(args.seed ?? 42), end, years };
}
