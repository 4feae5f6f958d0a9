import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { z } from 'zod';
import { baseEnvSchema, freePort, startApp, type AppProcess } from '@lianjian/common';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@lianjian/database';
import { obliterateQueues, until } from './processes';

// The scratch installation of a benchmark or a tool: its own database (`<DATABASE_URL's name>_<name>`,
// created afresh) and queue prefix (`<QUEUE_PREFIX>-<name>`), the api and worker processes started on
// it, and everything removed at the end, so a run never touches the configured install.

export const harnessEnvSchema = baseEnvSchema.extend({
  // Given to the scratch api and workers; by default a new key each run, as the database is new.
  WEBHOOK_SECRETS_KEY: z.string().min(1).optional(),
});
export type HarnessEnv = z.infer<typeof harnessEnvSchema>;

// The schedules the api and workers would otherwise start: off where a run measures one thing.
export const NO_SCHEDULES = { FEED_CHECK_CRON: '', SCORING_CRON: '', ESCALATION_CRON: '' } as const;

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || 'lianjian';
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: withDatabase(url, 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

// A scratch database, dropped and created afresh.
export async function recreateDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name '${name}' must be letters, digits and _`);
  await admin(url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface ScratchOptions {
  keep?: boolean; // leave the database in place at the end (the queues are always emptied)
  migrate?: boolean; // apply the migrations (default true)
  // A database a previous run kept (its name): used as it is (new migrations applied), never dropped.
  reuse?: string;
}

export class Scratch {
  readonly url: string;
  readonly prefix: string;
  private readonly processes: AppProcess[] = [];
  private readonly dataSources: DataSource[] = [];
  // Shown by the demo, whose database outlives the run: its api needs the same key to read secrets.
  readonly webhookKey: string;

  constructor(
    readonly env: HarnessEnv,
    readonly name: string,
    database?: string, // another database than `<DATABASE_URL's name>_<name>` (one a run kept)
  ) {
    this.url = withDatabase(env.DATABASE_URL, database ?? `${databaseName(env.DATABASE_URL)}_${name}`);
    this.prefix = `${env.QUEUE_PREFIX}-${name.replace(/_/g, '-')}`;
    this.webhookKey = env.WEBHOOK_SECRETS_KEY ?? randomBytes(32).toString('base64');
  }

  get databaseName(): string {
    return databaseName(this.url);
  }

  // The environment of an api or worker process on this scratch install (production mode, with the
  // webhook-secret key every process but a test requires). The runs' webhook receivers listen on
  // loopback (bench:alerts), which production otherwise refuses as a target.
  appEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.url,
      REDIS_URL: this.env.REDIS_URL,
      QUEUE_PREFIX: this.prefix,
      NODE_ENV: 'production',
      WEBHOOK_SECRETS_KEY: this.webhookKey,
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,::1',
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  // A process of the built product (scripts/run.js <entry>), stopped at the end of the run.
  start(entry: string, extra: Record<string, string> = {}, nodeArgs: string[] = []): AppProcess {
    const p = startApp(entry, this.appEnv(extra), nodeArgs);
    this.processes.push(p);
    return p;
  }

  // The api on a free port, once it answers /health; `others` are watched while waiting.
  async startApi(
    extra: Record<string, string> = {},
    others: AppProcess[] = [],
    nodeArgs: string[] = [], // e.g. --cpu-prof --cpu-prof-dir=DIR
    fixedPort?: number, // this port rather than a free one (npm run demo -- --serve: a known URL)
  ): Promise<{ api: AppProcess; base: string }> {
    const port = fixedPort ?? (await freePort());
    const api = this.start('apps/api/src/main', { ...extra, PORT: String(port) }, nodeArgs);
    const base = `http://127.0.0.1:${port}`;
    await until(
      async () => (await fetch(`${base}/health`).catch(() => undefined))?.status === 200,
      60_000,
      'the api to answer /health',
      [api, ...others],
    );
    return { api, base };
  }

  // `count` worker processes, once each says it serves its queues (a line logged at level log).
  async startWorkers(
    count: number,
    extra: Record<string, string> = {},
    nodeArgs: string[] = [], // e.g. --cpu-prof --cpu-prof-dir=DIR (which NODE_OPTIONS does not allow)
  ): Promise<AppProcess[]> {
    const workers = Array.from({ length: count }, () =>
      this.start('apps/worker/src/main', { LOG_LEVEL: 'log', ...extra }, nodeArgs),
    );
    await until(
      async () => workers.every((w) => w.output().includes('serving queues')),
      60_000,
      `${count} worker(s) to serve their queues`,
      workers,
    );
    return workers;
  }

  // A connection pool to the scratch database, closed at the end of the run.
  async dataSource(poolSize = 2): Promise<DataSource> {
    const ds = createDataSource(this.url, poolSize);
    await ds.initialize();
    this.dataSources.push(ds);
    return ds;
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.splice(0).map((p) => p.stop()));
    await Promise.all(this.dataSources.splice(0).map((ds) => ds.destroy().catch(() => undefined)));
  }
}

// Runs `fn` on a fresh scratch install and removes it afterwards, whatever happens: processes
// stopped, connections closed, queues emptied, database dropped (unless kept).
export async function withScratch<T>(
  env: HarnessEnv,
  name: string,
  opts: ScratchOptions,
  fn: (scratch: Scratch) => Promise<T>,
): Promise<T> {
  if (opts.reuse !== undefined && !/^[A-Za-z0-9_]+$/.test(opts.reuse))
    throw new Error(`database name '${opts.reuse}' must be letters, digits and _`);
  const scratch = new Scratch(env, name, opts.reuse);
  try {
    await obliterateQueues(env.REDIS_URL, scratch.prefix);
    if (opts.reuse === undefined) await recreateDatabase(scratch.url);
    if (opts.migrate !== false) await runMigrations(scratch.url);
    return await fn(scratch);
  } finally {
    await scratch.close();
    await obliterateQueues(env.REDIS_URL, scratch.prefix).catch(() => undefined);
    // Nothing is printed here: a run's last line is its JSON.
    if (!opts.keep && opts.reuse === undefined) await dropDatabase(scratch.url).catch(() => undefined);
  }
}

// Runs `fn` with these variables set in process.env (for a Nest context built inside it, which reads
// its configuration from there), and puts the previous values back.
export async function withProcessEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
