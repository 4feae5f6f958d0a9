import { z } from 'zod';
import { formatIssuePath, issueMessage } from '../validation/zod-issues';

// Environment shared by every process. Each app extends it with its own variables; nothing outside
// these schemas reads process.env (house style).
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  // PostgreSQL is the system of record.
  DATABASE_URL: z
    .string()
    .url()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/lianjian'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // Redis holds the queues only; anything in it can be rebuilt from PostgreSQL.
  REDIS_URL: z
    .string()
    .url()
    .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  // Two deployments (or test runs) with different prefixes never see each other's jobs.
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
    .default('lianjian'),
  // Unset: log, but warn under NODE_ENV=test (effectiveLogLevel).
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).optional(),
  // Where uploaded files are kept, by content hash (a shared volume or mount when api and workers run
  // on different machines).
  FILE_STORE_DIR: z.string().min(1).default('var/files'),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(1_000_000).default(2048),
  // What one source's stored upload files may take together (GB; files purged by retention do not
  // count); an upload over it is refused with 413 quota_exceeded and nothing stored. A profile's
  // storage.quotaGb overrides it for its source. 0: no quota.
  INGEST_SOURCE_QUOTA_GB: z.coerce.number().min(0).max(1_000_000).default(100),
  // Stored upload files older than this many days are removed by the retention job (the worker's
  // FILE_RETENTION_CRON); their batches keep their records and refused rows. 0: files are kept.
  INGEST_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(180),
  // Worker threads that map and validate the rows of one large file (0: in the calling thread), and
  // the file size from which they are used.
  INGEST_THREADS: z.coerce.number().int().min(0).max(16).default(2),
  INGEST_THREADS_MIN_MB: z.coerce.number().min(0).default(4),
  // Batches of at most this many records are applied before larger batches and files (a finding
  // reported as it happens does not wait behind bulk uploads); 0: first in, first out.
  INGEST_URGENT_MAX_RECORDS: z.coerce.number().int().min(0).max(10_000).default(20),
  // What reading one file may cost (libs/ingestion/src/files/file-limits.ts); over a limit the file is
  // refused as a whole. Unset: the defaults there (the inflated size of an XLSX: 4 × MAX_UPLOAD_MB, at
  // most 4096).
  INGEST_MAX_ROW_MB: z.coerce.number().min(0.001).max(1024).optional(),
  INGEST_XLSX_MAX_ENTRIES: z.coerce.number().int().min(10).max(65_535).optional(),
  INGEST_XLSX_MAX_UNCOMPRESSED_MB: z.coerce.number().min(1).max(4096).optional(),
  INGEST_XLSX_MAX_RATIO: z.coerce.number().min(10).max(1000).optional(),
  INGEST_XLSX_MAX_SHARED_STRINGS: z.coerce.number().int().min(1000).max(100_000_000).optional(),
  INGEST_XLSX_MAX_SHARED_STRINGS_MB: z.coerce.number().min(1).max(4096).optional(),
  // Repository root holding config/ (scoring models, rules, routing). Defaults to the working directory.
  CONFIG_DIR: z.string().min(1).default('config'),
  // The scoring model activated on a fresh install (a file of CONFIG_DIR/scoring); afterwards the
  // active model changes only by explicit activation.
  SCORING_MODEL: z.string().min(1).default('scoring/scorecard-v2.json'),
  // How long a worker keeps its list of published rules before reading it again: a rule published
  // or retired through the API takes effect within this time.
  RULES_REFRESH_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
});
export type BaseEnv = z.infer<typeof baseEnvSchema>;

export class EnvValidationError extends Error {}

// Validates the environment and names every missing or malformed variable, so a process refuses to
// start with a message an operator can act on.
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const res = schema.safeParse(env);
  if (res.success) return res.data;
  const lines = res.error.issues.map((i) => {
    const name = formatIssuePath(i.path, '(environment)');
    const got = typeof i.path[0] === 'string' ? env[i.path[0]] : undefined;
    return `  ${name}: ${issueMessage(i)}${got === undefined ? ' (not set)' : ` (got ${JSON.stringify(redact(name, got))})`}`;
  });
  throw new EnvValidationError(`Invalid configuration:\n${lines.join('\n')}`);
}

function redact(name: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN|KEY/i.test(name)) return '***';
  return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
