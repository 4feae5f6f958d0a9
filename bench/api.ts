import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { parseEnv, todayInShanghai } from '@lianjian/common';
import { AccessRepository, AlertRepository, AuditRepository, ScoreRepository } from '@lianjian/database';
import { seedProvince } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import { createUser, harnessEnvSchema, NO_SCHEDULES, scoreAll, signIn, withScratch } from '../tools/harness';
import type { AppProcess } from '@lianjian/common';
import { cpuSeconds, machineLoad } from './proc';

// npm run bench:api [-- --entities N] [--connections C] [--seconds S] [--depth P] [--seed S]
//                    [--cpu-prof DIR] [--keep] [--reuse DB]
//
// The read API under load: a synthetic province of N entities (default 1,000,000; 5 years of
// history) is seeded into a scratch database and scored by a real full run (POST /api/v1/score-runs,
// one worker), alerts are raised for 1% of the entities with deliveries to three departments each,
// then each route is driven for S seconds (default 20) by C concurrent clients (default 50, autocannon
// in this process) over loopback against one api process (see --api-processes) configured as for production
// (NODE_ENV=production, audit, access control, second factors), except its rate limits, which are off
// (RATE_LIMIT_* = 0: 50 clients as fast as they can would be a flood to them). The routes: the risk
// list (风险名单) unfiltered, in a county, class D in a city (the slowest filter before), in an
// industry, a deep cursor page (P pages of 50 followed first, default 40), an entity profile (an
// audited read, rotating over 2,000 entities) and a department officer's alert inbox. The target is
// p95 < 50 ms per route. Right after the load, where a request's time goes: the PostgreSQL execution
// of each route's query (EXPLAIN ANALYZE of the repositories' own SQL), the token lookup, an audit
// append, and serialising a page. The last line is JSON.
//
// --keep keeps the scratch database (its name is printed); --reuse DB skips seeding and scoring and
// measures a kept database again (new migrations are applied to it first). --api-env K=V,… gives the
// measured api more settings (ACCESS_CACHE_SECONDS=0 to measure without the principal cache). The
// baseline, driven first the same way: GET /api/v1/auth/me, the least an authenticated route does
// (access guard, rate-limit and audit guards, a tiny JSON answer); each route's p95 is given as a
// ratio to it. --api-processes K (default 1) starts K api processes on the database, as behind a load
// balancer, and spreads the clients over them (connection i to process i mod K): one Node process
// serves requests on one core, so this is how the api scales on a machine with more cores.

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const TARGET_P95_MS = 50;
const PAGE = 50;
const PROFILE_ENTITIES = 2000;

const OPTIONS = {
  entities: { type: 'integer', min: 1000 },
  connections: { type: 'integer', min: 1, max: 1000 },
  seconds: { type: 'integer', min: 1, max: 3600 },
  depth: { type: 'integer', min: 1, max: 10_000 },
  seed: 'number',
  'cpu-prof': 'string',
  keep: 'boolean',
  reuse: 'string',
  'api-env': 'string',
  'api-processes': { type: 'integer', min: 1, max: 64 },
} as const;

runCommand({
  name: 'bench:api',
  usage:
    '[--entities N] [--connections C] [--seconds S] [--depth P] [--seed S] [--cpu-prof DIR] [--keep] [--reuse DB] [--api-env K=V,…] [--api-processes K]',
  options: OPTIONS,
  run: bench,
});

interface Route {
  name: string;
  path: string | (() => string); // a function rotates (called per request)
  as: 'staff' | 'officer';
  explain?: (ds: DataSource) => Promise<number>; // PostgreSQL execution of the route's query, ms
}

interface RouteFigures {
  path: string;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
  meetsP95: boolean;
  pgExecMs?: number; // EXPLAIN ANALYZE of the route's query, right after the load
  apiCpuMsPerRequest: number; // the api processes' CPU per request during the route
  p95ToBaseline: number; // p95 over the baseline's (GET /api/v1/auth/me)
}

// The rate limits, off for the bench (the only departure from production).
const NO_RATE_LIMITS = { RATE_LIMIT_PER_CALLER: '0', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_EXPENSIVE: '0' };

async function bench(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const connections = args.connections ?? 50;
  const seconds = args.seconds ?? 20;
  const depth = args.depth ?? 40;
  const asOf = todayInShanghai();
  const loadAtStart = machineLoad();
  console.log(
    `bench:api — ${args.reuse ? `reusing database ${args.reuse}` : `${args.entities ?? 1_000_000} entities`}, ` +
      `${connections} connections, ${seconds} s per route; ${loadAtStart}`,
  );
  console.log(
    'the api runs as in production (NODE_ENV=production, access control, audit) except its rate limits: ' +
      'RATE_LIMIT_PER_CALLER, RATE_LIMIT_PER_ADDRESS and RATE_LIMIT_EXPENSIVE are 0 (off) for the bench',
  );

  await withScratch(env, 'bench_api', { keep: args.keep, reuse: args.reuse }, async (scratch) => {
    const ds = await scratch.dataSource(4);
    let seedSec: number | undefined;
    let scoreRunSec: number | undefined;
    if (!args.reuse) {
      const entities = args.entities ?? 1_000_000;
      const seeded = await seedProvince(ds, {
        entities,
        seed: args.seed ?? 42,
        end: asOf,
        years: 5,
        onProgress: (n, r) => process.stderr.write(`  seeding: ${n} entities, ${r} records\r`),
      });
      seedSec = seeded.seconds;
      console.log(`seeded ${entities} entities in ${seeded.seconds.toFixed(1)} s`);
      scoreRunSec = await scoreAll(scratch, ds, NO_RATE_LIMITS);
      console.log(
        `scored every entity (one full run through POST /api/v1/score-runs) in ${scoreRunSec.toFixed(1)} s`,
      );
    }
    await raiseAlerts(ds); // once per database
    const [{ n: entityCount }] = await ds.query(`SELECT count(*)::int AS n FROM entity_risk`);
    const [{ n: alertCount }] = await ds.query(`SELECT count(*)::int AS n FROM alert`);
    const stats = await ds.query(
      `SELECT relname, n_mod_since_analyze::int AS "modSinceAnalyze",
              (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed
         FROM pg_stat_user_tables WHERE relname IN ('entity_risk', 'entity', 'alert', 'delivery') ORDER BY relname`,
    );
    console.log(
      `${entityCount} scored entities, ${alertCount} alerts; planner statistics as a user has them after the load ` +
        `(no ANALYZE by the bench): ` +
        (stats as { relname: string; modSinceAnalyze: number; analyzed: boolean }[])
          .map(
            (s) =>
              `${s.relname} ${s.analyzed ? 'analyzed' : 'never analyzed'}, ${s.modSinceAnalyze} changes since`,
          )
          .join('; '),
    );

    // --- the callers: supervision staff of the province, an officer of the busiest department ---
    const province = await one<{ p: string }>(
      ds,
      `SELECT left(region_code, 2) AS p FROM entity_risk LIMIT 1`,
    );
    const [{ code: officerDept }] = await ds.query(
      `SELECT department_code AS code FROM delivery GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const tag = Date.now().toString(36);
    const staff = await createUser(ds, `bench-staff-${tag}`, {
      role: 'supervision_staff',
      regionCode: `${province.p}0000`,
    });
    const officer = await createUser(ds, `bench-officer-${tag}`, {
      role: 'department_officer',
      regionCode: `${province.p}0000`,
      departmentCode: officerDept,
    });
    const extraEnv = Object.fromEntries(
      (args['api-env'] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => {
          const i = kv.indexOf('=');
          if (i < 1) throw new Error(`--api-env: '${kv}' is not K=V`);
          return [kv.slice(0, i), kv.slice(i + 1)];
        }),
    );
    if (Object.keys(extraEnv).length) console.log(`the api's added settings: ${JSON.stringify(extraEnv)}`);
    const apiEnv: Record<string, string> = { ...NO_SCHEDULES, ...NO_RATE_LIMITS, ...extraEnv };
    const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
    const apiCount = args['api-processes'] ?? 1;
    const apis: { api: AppProcess; base: string }[] = [];
    for (let i = 0; i < apiCount; i++) apis.push(await scratch.startApi(apiEnv, [], nodeArgs));
    const { base } = apis[0];
    const bases = apis.map((a) => a.base);
    const apiPids = apis.map((a) => a.api.proc.pid as number);
    const apiCpu = () => apiPids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
    if (apiCount > 1) console.log(`${apiCount} api processes, the clients spread over them`);
    const auth = {
      staff: await signIn(base, staff.username, staff.password),
      officer: await signIn(base, officer.username, officer.password),
    };

    // --- the routes' parameters: the busiest county, city and industry division ---
    const county = await one<{ r: string }>(
      ds,
      `SELECT region_code AS r FROM entity_risk GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const city = await one<{ r: string }>(
      ds,
      `SELECT left(region_code, 4) || '00' AS r FROM entity_risk GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const industry = await one<{ i: string }>(
      ds,
      `SELECT left(industry_code, 3) AS i FROM entity_risk WHERE industry_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const cursor = await followCursor(base, auth.staff, depth);
    const keys: string[] = (
      await ds.query(
        `SELECT coalesce(uscc, ext_scheme || ':' || ext_id) AS key FROM entity
          WHERE id IN (SELECT entity_id FROM entity_risk) ORDER BY md5(id::text) LIMIT $1`,
        [PROFILE_ENTITIES],
      )
    ).map((r: { key: string }) => r.key);
    let next = 0;
    const profilePath = () => `/api/v1/entities/${encodeURIComponent(keys[next++ % keys.length])}`;

    const scores = (ds2: DataSource) => new ScoreRepository(ds2);
    const countyPrefix = county.r;
    const cityPrefix = city.r.slice(0, 4);
    const routes: Route[] = [
      { name: 'baselineAuthMe', path: '/api/v1/auth/me', as: 'staff' },
      {
        name: 'riskList',
        path: '/api/v1/risk-list',
        as: 'staff',
        explain: (d) =>
          explained(d, (x) => scores(x).riskList({ regionPrefix: province.p, limit: PAGE + 1 })),
      },
      {
        name: 'riskListCounty',
        path: `/api/v1/risk-list?region=${county.r}`,
        as: 'staff',
        explain: (d) =>
          explained(d, (x) => scores(x).riskList({ regionPrefix: countyPrefix, limit: PAGE + 1 })),
      },
      {
        name: 'riskListClassInCity',
        path: `/api/v1/risk-list?region=${city.r}&class=D`,
        as: 'staff',
        explain: (d) =>
          explained(d, (x) =>
            scores(x).riskList({ regionPrefix: cityPrefix, classes: ['D'], limit: PAGE + 1 }),
          ),
      },
      {
        name: 'riskListIndustry',
        path: `/api/v1/risk-list?industry=${industry.i}`,
        as: 'staff',
        explain: (d) =>
          explained(d, (x) =>
            scores(x).riskList({ regionPrefix: province.p, industryPrefix: industry.i, limit: PAGE + 1 }),
          ),
      },
      {
        name: 'riskListDeepPage',
        path: `/api/v1/risk-list?cursor=${cursor.cursor}`,
        as: 'staff',
        explain: (d) =>
          explained(d, (x) =>
            scores(x).riskList({ regionPrefix: province.p, after: cursor.after, limit: PAGE + 1 }),
          ),
      },
      { name: 'entityProfile', path: profilePath, as: 'staff' },
      {
        name: 'alertInbox',
        path: `/api/v1/alerts?department=${encodeURIComponent(officerDept)}`,
        as: 'officer',
        explain: (d) =>
          explained(d, (x) =>
            new AlertRepository(x).list({
              department: officerDept,
              onlyDepartment: officerDept,
              limit: PAGE + 1,
            }),
          ),
      },
    ];

    // --- where a request's time goes, right after the load (before the api warmed the cache) ---
    const pgExec: Record<string, number> = {};
    for (const r of routes) if (r.explain) pgExec[r.name] = round2(await r.explain(ds));
    const parts = await requestParts(ds, auth.staff.authorization.slice('Bearer '.length), base, auth.staff);
    console.log(
      `PostgreSQL execution of each route's query right after the load (EXPLAIN ANALYZE, ms): ` +
        Object.entries(pgExec)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
    );
    console.log(
      `per request, measured one at a time from this process: token lookup ${parts.tokenLookupMs} ms, ` +
        `audit append ${parts.auditAppendMs} ms, JSON of a risk-list page (${parts.pageKb} kB) ${parts.serialiseMs} ms, ` +
        `a risk-list request end to end (no load) ${parts.idleRequestMs} ms`,
    );

    // --- the load ---
    const figures: Record<string, RouteFigures> = {};
    for (const r of routes) {
      const cpu0 = apiCpu();
      const f = await drive(bases, r, auth[r.as], connections, seconds);
      const cpu1 = apiCpu();
      const apiCpuMsPerRequest = round2(((cpu1 - cpu0) * 1000) / Math.max(1, f.requests));
      const baseline = figures.baselineAuthMe?.p95;
      const p95ToBaseline = baseline ? round2(f.p95 / baseline) : 1;
      figures[r.name] = { ...f, pgExecMs: pgExec[r.name], apiCpuMsPerRequest, p95ToBaseline };
      console.log(
        `${r.name.padEnd(20)} p50 ${String(f.p50).padStart(7)} ms  p95 ${String(f.p95).padStart(7)} ms ` +
          `(${p95ToBaseline}× the baseline)  ` +
          `p99 ${String(f.p99).padStart(7)} ms  ${String(f.rps).padStart(7)} req/s  api CPU ${apiCpuMsPerRequest} ms/req  ` +
          `p95 < ${TARGET_P95_MS} ms: ${f.meetsP95 ? 'met' : 'NOT met'}` +
          (f.non2xx || f.errors ? `  (${f.non2xx} non-2xx, ${f.errors} errors)` : ''),
      );
      if (f.non2xx || f.errors)
        throw new Error(
          `${r.name}: ${f.non2xx} answers were not 2xx and ${f.errors} failed; figures are not valid`,
        );
    }
    const { baselineAuthMe, ...measured } = figures;
    const allMeetP95 = Object.values(measured).every((f) => f.meetsP95);
    const [{ audited }] = await ds.query(
      `SELECT (SELECT count(*) FROM audit_log WHERE action = 'GET /api/v1/entities/:key')
            + (SELECT count(*) FROM audit_pending WHERE action = 'GET /api/v1/entities/:key') AS audited`,
    );
    console.log(
      `audited entity-profile reads in the log (this database, every run): ${audited}; ` +
        `all routes p95 < ${TARGET_P95_MS} ms: ${allMeetP95 ? 'yes' : 'no'}`,
    );
    if (args.keep || args.reuse)
      console.log(`database kept: ${scratch.databaseName} (--reuse ${scratch.databaseName})`);
    const loadAtEnd = machineLoad();
    console.log(`machine: at start ${loadAtStart}; at end ${loadAtEnd}`);
    printJsonLine({
      bench: 'api',
      entities: entityCount,
      alerts: alertCount,
      connections,
      apiProcesses: apiCount,
      secondsPerRoute: seconds,
      targetP95Ms: TARGET_P95_MS,
      rateLimits: 'off (RATE_LIMIT_* = 0)',
      baseline: baselineAuthMe,
      routes: measured,
      allMeetP95,
      apiEnv: extraEnv,
      perRequestMs: parts,
      seedSec: seedSec === undefined ? undefined : round1(seedSec),
      scoreRunSec: scoreRunSec === undefined ? undefined : round1(scoreRunSec),
      database: args.keep || args.reuse ? scratch.databaseName : undefined,
      loadAtStart,
      loadAtEnd,
    });
  });
}

async function one<T>(ds: DataSource, sql: string): Promise<T> {
  const [row] = (await ds.query(sql)) as T[];
  if (!row) throw new Error(`no row for: ${sql}`);
  return row;
}

// Alerts as the joint-action rules would leave them: 1% of the entities (every hundredth id), each
// delivered to three departments' inboxes, one of them always the same (the first department by
// code: the officer's, whose inbox thus holds every alert), created over the last 90 days. A retired
// rule version stands for the rule (alerts reference one; a retired one is never evaluated).
async function raiseAlerts(ds: DataSource): Promise<void> {
  await ds.query(
    `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
     VALUES ('bench-api', 1, 'retired', '{}', 'bench', 'config', 'config', now()) ON CONFLICT DO NOTHING`,
  );
  await ds.query(
    `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation, created_at, updated_at)
     SELECT 'bench-api:' || e.id, 'bench-api', 1, e.id, 'joint_penalty', 'high',
            jsonb_build_object('zh', '多部门处罚：' || e.name, 'en', 'Penalised by several departments: ' || e.name),
            jsonb_build_object('zh', '近12个月内被两个以上部门处罚', 'en', 'penalised by 2+ departments in 12 months'),
            now() - (e.id % 90) * interval '1 day', now()
       FROM entity e WHERE e.id % 100 = 0
        AND NOT EXISTS (SELECT 1 FROM alert WHERE rule_id = 'bench-api')`,
  );
  await ds.query(
    `WITH deps AS (SELECT code, level, row_number() OVER (ORDER BY code) - 1 AS i, count(*) OVER () AS n FROM department)
     INSERT INTO delivery (alert_id, department_code, channel, status, level, reason)
     SELECT a.id, d.code, 'inbox', 'delivered', d.level, '{"zh": "职责相关", "en": "within its duties"}'::jsonb
       FROM alert a CROSS JOIN generate_series(0, 2) k
       JOIN deps d ON d.i = CASE WHEN k = 0 THEN 0 ELSE (a.id * 7 + k * 13) % d.n END
      WHERE a.rule_id = 'bench-api'
     ON CONFLICT DO NOTHING`,
  );
}

// The cursor of page `depth` of the unfiltered list, found by following nextCursor.
async function followCursor(
  base: string,
  auth: Record<string, string>,
  depth: number,
): Promise<{ cursor: string; after: { rank: number; entityId: string } }> {
  let cursor: string | null = null;
  for (let i = 0; i < depth; i++) {
    const res = await fetch(`${base}/api/v1/risk-list${cursor ? `?cursor=${cursor}` : ''}`, {
      headers: auth,
    });
    if (res.status !== 200)
      throw new Error(`risk list page ${i + 1} answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { nextCursor: string | null };
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (!cursor) throw new Error('the risk list has a single page: seed more entities');
  const [rank, entityId] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  return { cursor, after: { rank: Number(rank), entityId } };
}

// PostgreSQL's execution time (ms) of the query a repository method sends: the same SQL and
// parameters, run under EXPLAIN ANALYZE. The plan's top nodes are printed.
async function explained(ds: DataSource, call: (ds: DataSource) => Promise<unknown>): Promise<number> {
  let ms = 0;
  const spy = {
    query: async (sql: string, params?: unknown[]) => {
      const [row] = (await ds.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)) as {
        'QUERY PLAN': { 'Execution Time': number; Plan: PlanNode }[];
      }[];
      const plan = row['QUERY PLAN'][0];
      ms += plan['Execution Time'];
      console.log(`    plan: ${describePlan(plan.Plan)} — ${round2(plan['Execution Time'])} ms`);
      return [];
    },
  } as unknown as DataSource;
  await call(spy);
  return ms;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

function describePlan(node: PlanNode, depth = 0): string {
  const self =
    node['Node Type'] +
    (node['Index Name']
      ? ` using ${node['Index Name']}`
      : node['Relation Name']
        ? ` on ${node['Relation Name']}`
        : '') +
    ` (${node['Actual Rows']} rows)`;
  if (depth >= 3 || !node.Plans?.length) return self;
  return `${self} ← [${node.Plans.map((p) => describePlan(p, depth + 1)).join(', ')}]`;
}

// One request at a time: the token lookup and an audit append as the api runs them, serialising a
// page, and a whole risk-list request with no other load (medians of 200).
async function requestParts(
  ds: DataSource,
  token: string,
  base: string,
  auth: Record<string, string>,
): Promise<{
  tokenLookupMs: number;
  auditAppendMs: number;
  serialiseMs: number;
  pageKb: number;
  idleRequestMs: number;
}> {
  const median = async (n: number, f: () => Promise<unknown> | unknown) => {
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await f();
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    return round2(t[Math.floor(n / 2)]);
  };
  const access = new AccessRepository(ds);
  const audit = new AuditRepository(ds);
  const tokenLookupMs = await median(200, () => access.principalForToken(token, 30));
  const auditAppendMs = await median(100, () =>
    audit.append({
      actor: 'bench',
      role: 'system',
      source: '127.0.0.1',
      action: 'GET /bench/api',
      target: '/bench/api',
      result: 'ok',
      detail: { status: 200 },
    }),
  );
  const res = await fetch(`${base}/api/v1/risk-list`, { headers: auth });
  const page: unknown = await res.json();
  const serialiseMs = await median(200, () => JSON.stringify(page));
  const pageKb = round1(JSON.stringify(page).length / 1024);
  const idleRequestMs = await median(100, async () => {
    const r = await fetch(`${base}/api/v1/risk-list`, { headers: auth });
    await r.arrayBuffer();
  });
  return { tokenLookupMs, auditAppendMs, serialiseMs, pageKb, idleRequestMs };
}

// autocannon has no type declarations; what this bench uses of it.
interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', fn: (result: { errors: number; timeouts: number; duration: number }) => void): void;
}
type Autocannon = (opts: Record<string, unknown>) => AutocannonInstance;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

// `connections` clients on one route for `seconds`, spread over the api processes at `bases`; every
// answer's latency is kept, so p95 is exact.
async function drive(
  bases: string[],
  r: Route,
  auth: Record<string, string>,
  connections: number,
  seconds: number,
): Promise<Omit<RouteFigures, 'apiCpuMsPerRequest' | 'p95ToBaseline'>> {
  const path = typeof r.path === 'string' ? r.path : r.path();
  const latencies: number[] = [];
  let non2xx = 0;
  const t0 = performance.now();
  const shares = bases.map(
    (_, i) => Math.floor(connections / bases.length) + (i < connections % bases.length ? 1 : 0),
  );
  const results = await Promise.all(
    bases
      .map((base, i) => ({ base, share: shares[i] }))
      .filter((b) => b.share > 0)
      .map(
        ({ base, share }) =>
          new Promise<{ errors: number; timeouts: number }>((resolve) => {
            const instance = autocannon({
              url: base,
              connections: share,
              duration: seconds,
              headers: { ...auth, accept: 'application/json' },
              requests: [
                typeof r.path === 'string'
                  ? { method: 'GET', path }
                  : {
                      method: 'GET',
                      setupRequest: (req: { path: string }) => ({ ...req, path: (r.path as () => string)() }),
                    },
              ],
            });
            instance.on('response', (_c, status, _b, ms) => {
              latencies.push(ms);
              if (status < 200 || status >= 300) non2xx++;
            });
            instance.on('done', resolve);
          }),
      ),
  );
  const wall = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    round1(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  const p95 = q(0.95);
  return {
    path: typeof r.path === 'string' ? path : `${path.replace(/[^/]+$/, '')}{key} (rotating)`,
    p50: q(0.5),
    p95,
    p99: q(0.99),
    rps: Math.round(latencies.length / wall),
    requests: latencies.length,
    non2xx,
    errors: results.reduce((n, x) => n + x.errors + x.timeouts, 0),
    meetsP95: latencies.length > 0 && p95 < TARGET_P95_MS,
  };
}
