import { isIP } from 'node:net';
import { resolve, sep } from 'node:path';
import { z } from 'zod';
import { baseEnvSchema } from '@lianjian/common';
import { requireSecretsKey, webhookSecretsEnv, webhookTargetEnv } from '@lianjian/delivery';
import { metricsEnv, requireMetricsToken } from '@lianjian/observability';

const apiEnvObject = baseEnvSchema.extend({
  // The metrics listener (METRICS_PORT, METRICS_HOST, METRICS_TOKEN), apart from PORT.
  ...metricsEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Largest JSON body accepted (a full batch of 10,000 records is ~5-15 MB).
  BODY_LIMIT_MB: z.coerce.number().positive().max(512).default(32),
  // Encrypts the webhook signing secrets that POST …/webhook/secret/rotate creates, and the users'
  // TOTP secrets (POST /api/v1/auth/totp/enrol).
  ...webhookSecretsEnv,
  // Where a webhook URL may point (refused when set otherwise).
  ...webhookTargetEnv,
  // How long a bearer token from POST /api/v1/auth/login lasts (default: one working day).
  ACCESS_TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480),
  // A token left unused this long stops working (等保2.0 idle logout).
  ACCESS_TOKEN_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  // How long an api process keeps whom a bearer token or an API key stands for (0: looked up on
  // every request). A user disabled or changed, a token or a key revoked is dropped from every api
  // process's cache when it commits (PostgreSQL LISTEN/NOTIFY); while that is not heard, no cache.
  ACCESS_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  // Sign-ins allowed at once per user name (4× that per client address) before each further attempt
  // waits, the wait doubling from 1 s: up to LOGIN_MAX_DELAY_SECONDS per user name (a stranger
  // cannot keep its owner out long), up to LOGIN_WINDOW_MINUTES per address. Counts are forgotten
  // LOGIN_WINDOW_MINUTES after the last wait ends.
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  // The built console (npm run build: vite writes dist/console) that the api serves at /console.
  // Default: dist/console of the repository this api runs from (see defaultConsoleDir); a relative
  // path is taken from the working directory. Not there: /console answers 503 saying to build it.
  CONSOLE_DIR: z
    .string()
    .trim()
    .min(1)
    .transform((v) => resolve(v))
    .default(defaultConsoleDir),
  // OpenAPI at /docs and /docs-json: unset means on, but off when NODE_ENV is production.
  API_DOCS: z.enum(['on', 'off']).optional(),
  LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  // Passwords hashed at once per process (scrypt runs on libuv's pool of 4 threads, which file and
  // DNS work share), and how many may wait for a turn; beyond that sign-in answers 503 at once.
  LOGIN_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  LOGIN_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  // The proxies (gateway, load balancer) whose X-Forwarded-For is believed: a hop count, or addresses
  // and CIDRs (and loopback, linklocal, uniquelocal); empty: none, the client is the socket's peer.
  TRUST_PROXY: z
    .string()
    .trim()
    .default('')
    .refine(
      (v) => v === '' || /^\d{1,2}$/.test(v) || v.split(',').every((e) => isProxyEntry(e.trim())),
      'a hop count (e.g. 1), or a comma-separated list of addresses, CIDRs (10.0.0.0/8) or loopback, linklocal, uniquelocal; empty for none',
    )
    .transform((v): false | number | string[] =>
      v === '' || v === '0' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim()),
    ),
  // How long a rule backtest's result (or failure) is kept for GET …/backtests/{id} (default a day).
  BACKTEST_RESULT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86400)
    .default(86400),
  // Rate limits, counted in Redis over windows of RATE_LIMIT_WINDOW_SECONDS and shared by every api
  // process: per caller (bearer token or API key), per client address for requests without
  // credentials, and for the expensive routes together (backtests, exports, score runs, uploads).
  // 0: no limit. Generous by default; POST /auth/login has its own limiter (LOGIN_*).
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_PER_CALLER: z.coerce.number().int().min(0).max(10_000_000).default(300_000),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).max(10_000_000).default(6_000),
  RATE_LIMIT_EXPENSIVE: z.coerce.number().int().min(0).max(1_000_000).default(300),
  // Most rows one Excel export of the risk list holds (GET /api/v1/risk-list/export): the highest
  // scores of the filter first; a bigger filter is cut there, and the workbook says so.
  RISK_LIST_EXPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
});
export const apiEnvSchema = apiEnvObject.superRefine(requireSecretsKey).superRefine(requireMetricsToken);
export type ApiEnv = z.infer<typeof apiEnvSchema>;

// dist/console of the repository, found from this file's place: compiled, it is
// dist/apps/api/src/api-env.js (the root four levels up); run from its TypeScript source with
// CommonJS, apps/api/src (three up). Tests load the sources as ES modules, without __dirname: they run
// from the repository root (jest's rootDir), the working directory.
export function defaultConsoleDir(): string {
  if (typeof __dirname === 'undefined') return resolve('dist', 'console');
  const compiled = __dirname.split(sep).includes('dist');
  return resolve(__dirname, ...(compiled ? ['..', '..', '..', '..'] : ['..', '..', '..']), 'dist', 'console');
}

// What Express's `trust proxy` takes (proxy-addr), except `true`: trusting every address would let
// any client choose its own address with X-Forwarded-For.
function isProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}
