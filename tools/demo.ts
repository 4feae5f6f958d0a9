import { addDays, parseEnv, todayInShanghai } from '@lianjian/common';
import type { DataSource } from 'typeorm';
import type { AppProcess } from '@lianjian/common';
import { ScoreRepository } from '@lianjian/database';
import { ALL_QUEUES } from '@lianjian/queue';
import { regionName } from '@lianjian/reference';
import { seedProvince, type SyntheticRecord } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import {
  createAdmin,
  createSourceKeys,
  createUser,
  harnessEnvSchema,
  signIn,
  totpSecretOf,
  until,
  untilQueuesIdle,
  withScratch,
} from './harness';

// npm run demo — the main job end to end on this machine: a fresh demo database, a synthetic
// province's three-year history, the api and a worker as real processes, a full scoring run through
// the queues, the last month's records sent live through the HTTP API, and what staff would see:
// the risk list and the joint alerts per department. The demo database is kept, to sign in to
// afterwards (section 8); the next run recreates it.

const LIVE_DAYS = 30;
const HTTP_BATCH = 5000;

// The demo administrator's bearer token once signed in (every route but /health needs one).
let auth: Record<string, string> = {};

interface Json {
  [k: string]: unknown;
}

const OPTIONS = {
  entities: { type: 'integer', min: 100, max: 1_000_000 },
  seed: 'number',
  // Keep the api and a worker running on the demo data for the console, until Ctrl-C.
  serve: 'boolean',
  port: { type: 'integer', min: 1, max: 65535 },
} as const;

runCommand({
  name: 'demo',
  usage: '[--entities N] [--seed S] [--serve [--port P]]',
  options: OPTIONS,
  run: demo,
});

async function demo(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const entities = args.entities ?? 5000;
  const seed = args.seed ?? 2026;
  const t0 = Date.now();
  const today = todayInShanghai();

  await withScratch(env, 'demo', { keep: true }, async (scratch) => {
    const demoUrl = scratch.url;
    const prefix = scratch.prefix;
    section('1. 准备演示库 / Fresh demo database', demoUrl.replace(/\/\/[^@]*@/, '//'));

    section(
      '2. 生成合成省份 / Seeding a synthetic province (浙江省)',
      `${entities} entities, seed ${seed}, history to ${today}`,
    );
    const ds = await scratch.dataSource(4);
    const seeded = await seedProvince(ds, {
      entities,
      seed,
      end: today,
      holdBackFrom: addDays(today, -LIVE_DAYS + 1),
    });
    console.log(
      `   ${seeded.records} historical records, ${seeded.departments} departments in ${seeded.seconds.toFixed(1)} s; ` +
        `${seeded.heldBack.length} records of the last ${LIVE_DAYS} days held back to arrive live`,
    );

    // As an operator would on a fresh install (npm run user:create / apikey:create).
    const admin = await createAdmin(ds, 'demo-admin');
    // A source belongs to one department (who may send what): each department's system sends the
    // live records of a synthetic feed under a source of its own.
    const live = seeded.heldBack.map(({ source, record }) => ({
      source: `${source}.${record.departmentCode.toLowerCase()}`,
      record,
    }));
    const keys = await createSourceKeys(ds, live);
    console.log(
      `   demo administrator ${admin.username} and ${keys.size} API keys for the departmental systems that send live`,
    );

    section('3. 启动服务 / Starting the api and a worker as processes');
    const worker = scratch.start('apps/worker/src/main');
    // --serve: on a known port (default 3000), for the console's URL to be the same every run.
    const { api, base } = await scratch.startApi(
      {},
      [worker],
      [],
      args.serve ? (args.port ?? 3000) : args.port,
    );
    console.log(`   api on ${base} (OpenAPI at ${base}/docs), worker serving ${ALL_QUEUES.join(', ')}`);
    auth = await signIn(base, admin.username, admin.password);
    console.log(`   signed in as ${admin.username} (POST /api/v1/auth/login)`);

    section('4. 全量评分 / Full scoring run (POST /api/v1/score-runs, as the nightly job does)');
    const t1 = Date.now();
    const { runId } = (await (
      await fetch(`${base}/api/v1/score-runs`, { method: 'POST', headers: auth })
    ).json()) as {
      runId: string;
    };
    let run: Json = {};
    await until(
      async () => {
        const res = await fetch(`${base}/api/v1/score-runs/${runId}`, { headers: auth });
        if (res.status !== 200) return false;
        run = (await res.json()) as Json;
        return run.status === 'done';
      },
      300_000,
      'the scoring run to finish',
      [api, worker],
    );
    await untilQueuesIdle(env.REDIS_URL, prefix, [api, worker]);
    const progress = run.progress as { chunks: { total: number }; entities: { scored: number } };
    const summary = run.summary as {
      classDistribution: Record<string, number>;
      classMix: { policy: string; flagged: boolean; drift: { riskClass: string; share: number }[] } | null;
    };
    console.log(
      `   run ${runId}: ${progress.entities.scored} entities scored in ${((Date.now() - t1) / 1000).toFixed(1)} s ` +
        `(${progress.chunks.total} chunks): ${fmtClasses(summary.classDistribution)}`,
    );
    const mix = summary.classMix;
    if (mix)
      console.log(
        `   class mix 分类结构 against policy ${mix.policy}: ` +
          (mix.flagged
            ? `DRIFTS 超出政策区间 — ${mix.drift.map((d) => `${d.riskClass} ${(100 * d.share).toFixed(1)}%`).join(', ')}`
            : 'within policy 符合政策'),
      );

    section('5. 实时报送 / The last month arrives live through POST /api/v1/records');
    const t2 = Date.now();
    const batches = await sendLive(base, live, keys);
    await until(
      async () => {
        for (const id of batches)
          if ((await getJson(`${base}/api/v1/batches/${id}`)).status !== 'done') return false;
        return true;
      },
      120_000,
      'every batch to be applied',
      [api, worker],
    );
    await untilQueuesIdle(env.REDIS_URL, prefix, [api, worker]);
    console.log(
      `   ${seeded.heldBack.length} records in ${batches.length} batches: ingested, re-scored and evaluated in ${((Date.now() - t2) / 1000).toFixed(1)} s`,
    );

    section('6. 风险名单 / Risk list (top 10, highest risk first)');
    const list = (await getJson(`${base}/api/v1/risk-list?limit=10`)).items as Json[];
    printRiskList(list);
    // No ties at the top: the list's order key (rankScore) of the top 1% of scored entities.
    const scoredCount = Object.values(await new ScoreRepository(ds).classDistribution()).reduce(
      (a, b) => a + b,
      0,
    );
    const topN = Math.max(1, Math.min(500, Math.round(scoredCount / 100)));
    const top = (await getJson(`${base}/api/v1/risk-list?limit=${topN}`)).items as {
      rankScore: number;
      score: number;
    }[];
    const topDistinct = new Set(top.map((r) => r.rankScore)).size / Math.max(1, top.length);
    console.log(
      `   top 1% (${top.length} entities): ${(100 * topDistinct).toFixed(1)}% distinct order keys (rankScore); ` +
        `${new Set(top.map((r) => r.score)).size} distinct shown scores (a score capped at 100 shows its order key beside it)`,
    );

    section('7. 联动预警 / Joint alerts per department (一处发现、多方联动)');
    const alerts = await allAlerts(base);
    const departments = new Map(
      ((await getJson(`${base}/api/v1/departments`)).items as { code: string; name: string }[]).map((d) => [
        d.code,
        d.name,
      ]),
    );
    printAlertsPerDepartment(alerts, departments);
    printSampleAlert(alerts);

    const finalClasses = await new ScoreRepository(ds).classDistribution();
    const deliveries = alerts.reduce((n, a) => n + (a.deliveries as unknown[]).length, 0);

    // The demo users of each role (演示用户), for the console: the administrator and the auditor
    // sign in with a second factor (TOTP), the others with their password.
    const users = await createDemoUsers(ds, base, admin);
    const inspectors = await createDemoInspectors(ds, users);
    console.log(
      `   执法检查人员名录 / inspector directory: ${inspectors} inspectors of the demo city's county departments (双随机 plans draw their teams from them; the demo officers are inspectors of their departments)`,
    );

    if (args.serve) {
      section('8. 监管工作台 / The staff console, on the demo data', `${base}/console`);
      printDemoUsers(users);
      console.log(
        '   api and worker keep running on the demo data; Ctrl-C stops both (the demo database stays until the next demo)',
      );
    } else {
      section('8. 监管工作台 / Open the staff console on the demo data');
      console.log(
        '   npm run demo -- --serve   (this demo again, then the api and a worker stay up: open http://127.0.0.1:3000/console)',
      );
      console.log('   or, on the database this run kept (its users are listed below):');
      console.log(
        `   WEBHOOK_SECRETS_KEY=${scratch.webhookKey} DATABASE_URL=${demoUrl} npm run start:api   # then http://127.0.0.1:3000/console`,
      );
      console.log(
        `   the API directly: curl -s -X POST localhost:3000/api/v1/auth/login -H 'content-type: application/json' \\\n` +
          `        -d '{"username":"${admin.username}","password":"${admin.password}","code":"<TOTP code>"}'`,
      );
      printDemoUsers(users);
    }
    printJsonLine({
      demo: 'lianjian',
      entities,
      records: seeded.records + seeded.heldBack.length,
      liveRecords: seeded.heldBack.length,
      departments: seeded.departments,
      classes: finalClasses,
      classMixFlagged: mix?.flagged ?? null,
      topOnePercentDistinct: Math.round(topDistinct * 1000) / 1000,
      alerts: alerts.length,
      deliveries,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    });
    if (args.serve) {
      await untilStopped([api, worker]);
      console.error('   stopping the api and the worker / 正在停止服务');
    }
  });
}

interface DemoUser {
  role: string;
  label: string;
  username: string;
  password: string;
  where: string;
  totpSecret?: string;
}

// Staff of a city, a coordinator there, officers of two departments in two of its counties (where
// the most alerts were delivered), and the auditor, created as an operator would (npm run user:create).
async function createDemoUsers(
  ds: DataSource,
  base: string,
  admin: { username: string; password: string },
): Promise<DemoUser[]> {
  const busiest: { code: string; region: string; name: string }[] = await ds.query(
    `SELECT d.code, d.region_code AS region, d.name
       FROM delivery dl JOIN department d ON d.code = dl.department_code
      WHERE d.level = 'county'
      GROUP BY d.code, d.region_code, d.name
      ORDER BY count(*) DESC, d.code`,
  );
  const first = busiest[0];
  if (!first) throw new Error('the demo delivered no alert to a county department: no officer to create');
  const city = `${first.region.slice(0, 4)}00`;
  const second =
    busiest.find((d) => d.region !== first.region && d.region.startsWith(city.slice(0, 4))) ??
    busiest.find((d) => d.region !== first.region) ??
    first;
  const place = (code: string) => `${regionName(code) ?? ''} ${code}`.trim();
  const auditor = await createAdmin(ds, 'demo-auditor', 'auditor');
  await signIn(base, auditor.username, auditor.password); // enrols its second factor
  const make = async (
    username: string,
    role: 'supervision_staff' | 'coordinator' | 'department_officer',
    regionCode: string,
    departmentCode?: string,
  ) => ({ ...(await createUser(ds, username, { role, regionCode, departmentCode })) });
  const staff = await make('demo-staff', 'supervision_staff', city);
  const coordinator = await make('demo-coordinator', 'coordinator', city);
  const officer1 = await make('demo-officer-1', 'department_officer', first.region, first.code);
  const officer2 = await make('demo-officer-2', 'department_officer', second.region, second.code);
  return [
    {
      role: 'admin',
      label: '系统管理员 / system administrator',
      ...admin,
      where: '全国 national',
      totpSecret: totpSecretOf(admin.username),
    },
    { role: 'supervision_staff', label: '监管人员 / supervision staff', ...staff, where: place(city) },
    { role: 'coordinator', label: '联合执法协调人 / coordinator', ...coordinator, where: place(city) },
    {
      role: 'department_officer',
      label: '部门执法人员 / officer',
      ...officer1,
      where: `${first.name} ${first.code}`,
    },
    {
      role: 'department_officer',
      label: '部门执法人员 / officer',
      ...officer2,
      where: `${second.name} ${second.code}`,
    },
    {
      role: 'auditor',
      label: '安全审计员 / auditor',
      ...auditor,
      where: '全国 national',
      totpSecret: totpSecretOf(auditor.username),
    },
  ];
}

// 执法检查人员名录库 for the demo city: four inspectors per county department, covering its
// domains, in its county; each demo officer is one of their own department's, so that a plan in the
// console can be staffed and the officer can record a task's result.
async function createDemoInspectors(ds: DataSource, users: DemoUser[]): Promise<number> {
  const officers: { id: string; department: string }[] = await ds.query(
    `SELECT id::text AS id, department_code AS department FROM app_user
      WHERE username = ANY($1::text[]) AND department_code IS NOT NULL`,
    [users.filter((u) => u.role === 'department_officer').map((u) => u.username)],
  );
  const city = users.find((u) => u.role === 'supervision_staff')?.where.match(/\d{6}/)?.[0];
  if (!city) return 0;
  const [{ n }]: { n: number }[] = await ds.query(
    `WITH ins AS (
       INSERT INTO inspector (department_code, name, certificate_no, domains, region_code, created_by)
       SELECT d.code, '检查员' || d.region_code || '-' || k, 'DEMO-' || d.code || '-' || k, d.domains, d.region_code, 'demo'
         FROM department d CROSS JOIN generate_series(1, 4) k
        WHERE d.level = 'county' AND d.region_code LIKE $1 AND cardinality(d.domains) > 0
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [`${city.slice(0, 4)}%`],
  );
  for (const o of officers)
    await ds.query(
      `UPDATE inspector SET user_id = $1 WHERE id = (SELECT min(id) FROM inspector WHERE department_code = $2 AND user_id IS NULL)`,
      [o.id, o.department],
    );
  return n;
}

function printDemoUsers(users: DemoUser[]): void {
  console.log('   演示用户 / demo users (passwords are new each run):');
  for (const u of users)
    console.log(
      `   ${u.label.padEnd(30)} ${u.username.padEnd(18)} ${u.password}  ${u.where}${u.totpSecret ? `  TOTP ${u.totpSecret}` : ''}`,
    );
  const secret = users.find((u) => u.totpSecret)?.totpSecret;
  if (secret)
    console.log(
      `   one-time code for a TOTP secret: an authenticator app, or\n` +
        `   node -e "require('otplib').generate({ secret: '<TOTP secret>' }).then(console.log)"`,
    );
}

// Until Ctrl-C (SIGINT) or SIGTERM; the api or the worker ending by itself fails the demo, saying so.
// (Ctrl-C in a terminal signals the api and the worker too: their exit right after it is the stop.)
async function untilStopped(processes: AppProcess[]): Promise<void> {
  let stopping = false;
  const signalled = new Promise<void>((resolve) => {
    const stop = () => {
      stopping = true;
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const ended = Promise.race(
    processes.map((p) =>
      p.exited.then(async () => {
        await new Promise((r) => setTimeout(r, 500));
        if (!stopping) throw new Error(`a demo process ended by itself:\n${p.output().slice(-2000)}`);
      }),
    ),
  );
  await Promise.race([signalled, ended]);
}

async function sendLive(
  base: string,
  records: SyntheticRecord[],
  keys: Map<string, Record<string, string>>,
): Promise<string[]> {
  const bySource = new Map<string, unknown[]>();
  for (const { source, record } of records) {
    const list = bySource.get(source) ?? [];
    list.push(record);
    bySource.set(source, list);
  }
  const ids: string[] = [];
  for (const [source, list] of bySource) {
    for (let i = 0; i < list.length; i += HTTP_BATCH) {
      const res = await fetch(`${base}/api/v1/records`, {
        method: 'POST',
        // Each departmental system sends with its own API key, scoped to its source.
        headers: { 'content-type': 'application/json', ...keys.get(source) },
        body: JSON.stringify({ source, records: list.slice(i, i + HTTP_BATCH) }),
      });
      const body = (await res.json()) as { batchId: string; rejected: unknown[] };
      if (res.status !== 202)
        throw new Error(`POST /api/v1/records answered ${res.status}: ${JSON.stringify(body)}`);
      if (body.rejected.length)
        throw new Error(
          `the generator produced invalid records: ${JSON.stringify(body.rejected.slice(0, 3))}`,
        );
      ids.push(body.batchId);
    }
  }
  return ids;
}

async function allAlerts(base: string): Promise<Json[]> {
  const out: Json[] = [];
  let cursor: string | null = null;
  do {
    const page = await getJson(`${base}/api/v1/alerts?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...(page.items as Json[]));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return out;
}

function printRiskList(items: Json[]): void {
  items.forEach((item, i) => {
    const e = item.entity as { name: string; uscc: string; regionCode: string; industryCode: string };
    const factors = (item.topFactors as { label: { zh: string; en: string }; points: number }[])
      .map((f) => `${f.label.zh} ${f.label.en} +${f.points}`)
      .join('；');
    console.log(
      `${String(i + 1).padStart(3)}. ${item.riskClass} ${String(item.score).padStart(5)}${Math.round(Number(item.rankScore) * 10) / 10 > Number(item.score) ? ` (排序分 order key ${item.rankScore})` : ''}  ${e.name}  ${e.uscc}  ${regionName(e.regionCode) ?? e.regionCode} ${e.industryCode}`,
    );
    console.log(`        ${factors}`);
  });
}

function printAlertsPerDepartment(alerts: Json[], names: Map<string, string>): void {
  const per = new Map<string, { alerts: number; critical: number }>();
  for (const a of alerts)
    for (const d of a.deliveries as { department: string }[]) {
      const c = per.get(d.department) ?? { alerts: 0, critical: 0 };
      c.alerts++;
      if (a.severity === 'critical') c.critical++;
      per.set(d.department, c);
    }
  const byRule = new Map<string, number>();
  for (const a of alerts) byRule.set(a.ruleId as string, (byRule.get(a.ruleId as string) ?? 0) + 1);
  console.log(
    `   ${alerts.length} alerts to ${per.size} departments; by rule: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}`,
  );
  for (const [code, c] of [...per].sort((a, b) => b[1].alerts - a[1].alerts).slice(0, 15))
    console.log(
      `   ${code.padEnd(16)} ${String(c.alerts).padStart(4)} alerts (${c.critical} critical)  ${names.get(code) ?? ''}`,
    );
  if (per.size > 15) console.log(`   … and ${per.size - 15} more departments`);
}

function printSampleAlert(alerts: Json[]): void {
  const sample = [...alerts].sort(
    (a, b) => (b.deliveries as unknown[]).length - (a.deliveries as unknown[]).length,
  )[0];
  if (!sample) return;
  const title = sample.title as { zh: string; en: string };
  const ex = sample.explanation as { legalBasis: { zh: string }[]; why: { zh: string; en: string }[] };
  console.log(
    `\n   例 / Example: [${sample.severity}] ${title.zh} — ${title.en} (rule ${sample.ruleId} v${sample.ruleVersion})`,
  );
  console.log(`   依据 / Legal basis: ${ex.legalBasis.map((l) => l.zh).join('、')}`);
  console.log(`   原因 / Why: ${ex.why.map((w) => w.zh).join('；')}`);
  // Each reason names its department first.
  for (const d of sample.deliveries as { department: string; reason: { zh: string } }[])
    console.log(`   → ${d.reason.zh}`);
}

function fmtClasses(c: Record<string, number>): string {
  return ['A', 'B', 'C', 'D'].map((k) => `${k} ${c[k] ?? 0}`).join(' · ');
}

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url, { headers: auth });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as Json;
}

function section(title: string, detail?: string): void {
  console.log(`\n== ${title}${detail ? `\n   ${detail}` : ''}`);
}
