import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startApp, type AppProcess } from '@lianjian/common';
import { makeUscc } from '@lianjian/reference';
import { eventually, json, sql } from '@lianjian/testing';

// What the fault tests share: private PostgreSQL clusters and Redis servers (the shared ones on 5432
// and 6379 are used by every other test and are never stopped), built processes, a departmental file
// of any size, and the counts each test compares before and after its fault.

const run = promisify(execFile);

// The PostgreSQL binaries of this machine, its newest installed version (PG_BIN overrides).
const PG_BIN =
  process.env.PG_BIN ??
  join(
    '/usr/lib/postgresql',
    readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0] ?? '15',
    'bin',
  );

// A PostgreSQL cluster of the test's own, run as the postgres OS user, trust auth, on a free port of
// 127.0.0.1: the test stops and starts it; remove() stops it and deletes its directory.
export interface PrivatePostgres {
  port: number;
  url(database?: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

export async function privatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'lianjian-faults-pg-'));
  const data = join(dir, 'data');
  const { uid, gid } = await osUser('postgres');
  await chown(dir, uid, gid);
  const asPostgres = (bin: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { timeout: 120_000 });
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  // Durability across a restart is what is tested, not across a power cut: fsync off is enough.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const start = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  };
  // An immediate stop: the server goes away as in a crash, open connections are cut.
  const stop = () =>
    asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).then(() => undefined);
  await start();
  return {
    port,
    url,
    start,
    stop,
    async remove() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function osUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (f) => Number((await run('id', [f, name])).stdout.trim())),
  );
  return { uid, gid };
}

// A redis-server of the test's own (no persistence: a restart loses every queue, as a flushed or
// replaced Redis does).
export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const reachable = () =>
    new Promise<true | undefined>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(undefined));
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      await eventually(reachable, 10_000, 50);
    },
    async kill() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    },
  };
}

// Built processes (dist/) on given variables; stopAll() stops those still running.
export class Processes {
  private readonly all: AppProcess[] = [];
  constructor(readonly env: Record<string, string>) {}

  spawn(entry: string, extra: Record<string, string> = {}): AppProcess {
    const p = startApp(entry, { ...this.env, ...extra });
    this.all.push(p);
    return p;
  }

  // The api on a free port, once /health answers 200.
  async api(extra: Record<string, string> = {}): Promise<{ proc: AppProcess; url: string }> {
    const port = await freePort();
    const proc = this.spawn('apps/api/src/main', { ...extra, PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      async () => {
        if (proc.proc.exitCode !== null) throw new Error(`api exited:\n${proc.output().slice(-3000)}`);
        return (await fetch(`${url}/health`).catch(() => undefined))?.status === 200 ? true : undefined;
      },
      60_000,
      200,
    );
    return { proc, url };
  }

  output(): string {
    return this.all
      .map((p, i) => `--- process ${i} (pid ${p.proc.pid}):\n${p.output().slice(-3000)}`)
      .join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((p) => p.stop()));
  }
}

// /health as an operator sees it: the status code and each dependency's state.
export interface Health {
  status: number;
  postgresql?: string;
  redis?: string;
}

export async function health(base: string): Promise<Health> {
  const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
  const body = await json(res).catch(() => ({}));
  const of = (k: string) => body?.details?.[k]?.status ?? body?.info?.[k]?.status ?? body?.error?.[k]?.status;
  return { status: res.status, postgresql: of('postgresql'), redis: of('redis') };
}

// Waits until /health says what `want` says; the failure names the last answer.
export async function untilHealth(base: string, want: Partial<Health>, timeoutMs = 30_000): Promise<Health> {
  let last: Health | string = 'no answer';
  return eventually(
    async () => {
      last = await health(base).catch((e: Error) => e.message);
      if (typeof last === 'string') return undefined;
      const h = last;
      return Object.entries(want).every(([k, v]) => h[k as keyof Health] === v) ? h : undefined;
    },
    timeoutMs,
    200,
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}: /health never became ${JSON.stringify(want)}; last ${JSON.stringify(last)}`,
    );
  });
}

// A canonical inspections file (source lianjian-canonical-inspections): `rows` rows over `entities`
// entities of Xihu, every row a distinct record.
export const INSPECTIONS_SOURCE = 'lianjian-canonical-inspections';

export function inspectionsCsv(rows: number, tag: string, entities = 500): string {
  const usccs = Array.from({ length: entities }, (_, i) =>
    makeUscc({
      authority: '9',
      category: '1',
      regionCode: '330106',
      orgBody: `FT${String(i).padStart(6, '0')}`,
    }),
  );
  const results = ['pass', 'fail', 'rectified'];
  const out = ['sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger'];
  for (let i = 0; i < rows; i++)
    out.push(
      `${tag}-${i},${usccs[i % entities]},330106-SAMR,2025-0${1 + (i % 9)}-1${i % 10},${results[i % 3]},食品经营,0,${i % 2},${i % 4},random`,
    );
  return out.join('\n') + '\n';
}

// Uploads a file as the raw body (text/csv).
export async function upload(
  base: string,
  authorization: string,
  body: string | Buffer,
  source = INSPECTIONS_SOURCE,
): Promise<Response> {
  return fetch(`${base}/api/v1/sources/${source}/files`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'text/csv' },
    body,
  });
}

// Streams `body` to the upload route slowly, `chunk` bytes at a time; resolves once `sent` bytes are
// written (the request stays open: call abort() or let the server go away).
export function slowUpload(
  base: string,
  authorization: string,
  body: Buffer,
  sent: number,
  chunk = 64 * 1024,
): Promise<{ abort(): void; answer: Promise<number | string> }> {
  const u = new URL(`${base}/api/v1/sources/${INSPECTIONS_SOURCE}/files`);
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'POST',
      headers: { authorization, 'content-type': 'text/csv', 'content-length': body.length },
    });
    const answer = new Promise<number | string>((res) => {
      req.on('response', (r) => {
        r.resume();
        res(r.statusCode ?? 0);
      });
      req.on('error', (e) => res(e.message));
    });
    let at = 0;
    const write = () => {
      while (at < sent) {
        const ok = req.write(body.subarray(at, at + chunk));
        at += chunk;
        if (!ok) {
          req.once('drain', write);
          return;
        }
      }
      resolve({ abort: () => req.destroy(), answer });
    };
    req.on('error', reject);
    req.flushHeaders();
    write();
  });
}

// Until a batch has the status wanted (file batches, records' batches); the failure says where it stood.
export async function untilBatch(
  dbUrl: string,
  batchId: string,
  status: string,
  timeoutMs: number,
  diagnostics: () => string = () => '',
): Promise<Record<string, unknown>> {
  let last: unknown;
  return eventually(
    async () => {
      [last] = await sql(
        dbUrl,
        `SELECT status, error, rows_read AS "rowsRead", inserted FROM ingest_batch WHERE id = $1`,
        [batchId],
      );
      return (last as { status?: string } | undefined)?.status === status
        ? (last as Record<string, unknown>)
        : undefined;
    },
    timeoutMs,
    250,
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}: batch ${batchId} never ${status}; last ${JSON.stringify(last)}\n${diagnostics()}`,
    );
  });
}

// Until the worker is inside a file's apply: its COPY into the transaction's staging table is running.
export async function untilApplying(dbUrl: string, timeoutMs = 60_000): Promise<void> {
  const database = new URL(dbUrl).pathname.slice(1);
  await eventually(
    async () => {
      const [{ n }] = await sql<{ n: number }>(
        dbUrl,
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND state = 'active' AND query ILIKE 'COPY%' AND pid <> pg_backend_pid()`,
        [database],
      );
      return n > 0 ? true : undefined;
    },
    timeoutMs,
    50,
  );
}

// What a fault must neither lose nor duplicate.
export interface Counts {
  records: number;
  duplicateRecords: number;
  batches: number;
  batchesDone: number;
  scores: number;
  duplicateScores: number;
  alerts: number;
  duplicateAlerts: number;
  deliveries: number;
  duplicateDeliveries: number;
  deliveriesDone: number;
}

export async function counts(dbUrl: string): Promise<Counts> {
  const [c] = await sql<Counts>(
    dbUrl,
    `SELECT (SELECT count(*)::int FROM record) AS records,
            (SELECT (count(*) - count(DISTINCT (source, source_record_id)))::int FROM record) AS "duplicateRecords",
            (SELECT count(*)::int FROM ingest_batch) AS batches,
            (SELECT count(*)::int FROM ingest_batch WHERE status = 'done') AS "batchesDone",
            (SELECT count(*)::int FROM score) AS scores,
            (SELECT coalesce(sum(n - 1), 0)::int FROM (
               SELECT count(*) AS n FROM score WHERE run_id IS NOT NULL GROUP BY run_id, entity_id HAVING count(*) > 1) t) AS "duplicateScores",
            (SELECT count(*)::int FROM alert) AS alerts,
            (SELECT (count(*) - count(DISTINCT alert_key))::int FROM alert) AS "duplicateAlerts",
            (SELECT count(*)::int FROM delivery) AS deliveries,
            (SELECT (count(*) - count(DISTINCT (alert_id, department_code)))::int FROM delivery) AS "duplicateDeliveries",
            (SELECT count(*)::int FROM delivery WHERE status IN ('delivered', 'acknowledged')) AS "deliveriesDone"`,
  );
  return c;
}

// Prints the counts before and after a fault (the report quotes them) and returns them.
export function report(
  name: string,
  before: Counts,
  after: Counts,
  extra: Record<string, unknown> = {},
): void {
  console.log(
    `[faults] ${name}\n  before ${JSON.stringify(before)}\n  after  ${JSON.stringify(after)}${
      Object.keys(extra).length ? `\n  ${JSON.stringify(extra)}` : ''
    }`,
  );
}
