import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { addMonths, dayNumber, formatDay, parseEnv, todayInShanghai } from '@lianjian/common';
import { AuditRepository, InspectorRepository, PlanningRepository } from '@lianjian/database';
import type { Domain } from '@lianjian/domain';
import { draw, loadItems, staff, type AvoidReason } from '@lianjian/planning';
import { makeUscc } from '@lianjian/reference';
import { generateDepartments } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import {
  createUser,
  harnessEnvSchema,
  NO_SCHEDULES,
  signIn,
  storeDepartments,
  withScratch,
} from '../tools/harness';
import { cpuByCommand, cpuDelta, cpuSeconds, machineLoad } from './proc';

// npm run bench:planning [-- --entities N] [--inspectors K] [--conflicts C] [--budget B] [--keep] [--reuse DB]
//
// 双随机、一公开 at scale (issue 16): a city of N entities (default 1,000,000) in six counties of
// Hangzhou (330102 上城, 330105 拱墅, 330106 西湖, 330108 滨江, 330109 萧山, 330110 余杭) is loaded
// straight into a scratch database as a user has it after the nightly scoring run: entities with
// registration master data (catering H62, retail F52, food production C14, manufacturing C3x, and
// others; 有限责任公司 and 个体工商户), one score row and its entity_risk row each (classes about
// A 60%, B 26%, C 11%, D 3%), the province's departments, K inspectors of the city's market
// supervision administration (330100-SAMR, default 2,000, spread over the counties) and C declared
// conflicts (default 2,000); then ANALYZE of the tables the product itself analyzes after a load and
// a run (entity, score, entity_risk) — the statistics a user has.
//
// Then, through a real api process and as the city's SAMR officer calls it: a plan of five SAMR items
// (food operation, food production, annual report, product quality, special equipment) over the
// city, budget B (default 20,000), the default policy; each request timed by wall clock: POST
// /inspection-plans (the draft, with its expected counts over the population), POST /:id/freeze (the
// snapshot written and hashed in SQL), POST /:id/draw, POST /:id/staff, GET /:id/verify. PostgreSQL's
// CPU during each request is read from /proc: this database's backends (pgCpuSec), and every
// postgres process (pgServerCpuSec: other databases' work counts too on a shared machine). Then the
// draw is replayed in this process, the snapshot read (PlanningRepository.snapshot) and the pure
// draw() timed apart, to show where the draw's time goes; and the staffing, its reads and the pure
// staff() apart, its teams compared with the stored ones.
// The target (issue 16): freeze, draw and staff each under 10 s. The last line is JSON.
//
// --keep keeps the scratch database (its name is printed); --reuse DB runs on a database a previous run
// kept, without loading: a new plan is made on it (its population excludes the entities the earlier
// plans drew within 12 months, as the product does).

const COUNTIES = ['330102', '330105', '330106', '330108', '330109', '330110'] as const;
const CITY = '330100';
const DEPARTMENT = '330100-SAMR';
const ITEMS = [
  'SAMR-FOOD-OPERATION',
  'SAMR-FOOD-PRODUCTION',
  'SAMR-ANNUAL-REPORT',
  'SAMR-PRODUCT-QUALITY',
  'SAMR-SPECIAL-EQUIPMENT',
];
const SAMR_DOMAINS = ['food_safety', 'market_regulation', 'product_quality', 'special_equipment'];
const BATCH = 50_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

const OPTIONS = {
  entities: { type: 'integer', min: 1000 },
  inspectors: { type: 'integer', min: 10 },
  conflicts: { type: 'integer', min: 0 },
  budget: { type: 'integer', min: 10 },
  keep: 'boolean',
  reuse: 'string',
} as const;

runCommand({
  name: 'bench:planning',
  usage: '[--entities N] [--inspectors K] [--conflicts C] [--budget B] [--keep] [--reuse DB]',
  options: OPTIONS,
  run: bench,
});

interface Timed<T> {
  sec: number;
  pgCpuSec: number;
  pgServerCpuSec: number;
  status: number;
  body: T;
}

async function bench(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const entities = args.entities ?? 1_000_000;
  const inspectors = args.inspectors ?? 2000;
  const conflicts = args.conflicts ?? 2000;
  const budget = args.budget ?? 20_000;
  console.log(
    `bench:planning — ${args.reuse ? `reusing database ${args.reuse}` : `${entities} entities in ${COUNTIES.length} counties of ${CITY}, ${inspectors} inspectors, ${conflicts} declared conflicts`}, ` +
      `budget ${budget}; ${machineLoad()}`,
  );
  const loadAtStart = machineLoad();

  await withScratch(env, 'bench_planning', { keep: args.keep, reuse: args.reuse }, async (scratch) => {
    const ds = await scratch.dataSource(4);
    let loadSec = 0;
    if (!args.reuse) {
      const t = Date.now();
      await load(ds, entities, inspectors, conflicts);
      loadSec = (Date.now() - t) / 1000;
    }
    const [facts] = await ds.query(
      `SELECT (SELECT count(*)::int FROM entity) AS entities, (SELECT count(*)::int FROM inspector) AS inspectors,
              (SELECT count(*)::int FROM inspector_conflict) AS conflicts,
              (SELECT json_object_agg(risk_class, n ORDER BY risk_class) FROM (SELECT risk_class, count(*)::int AS n FROM entity_risk GROUP BY 1) x) AS classes`,
    );
    console.log(
      `loaded ${facts.entities} entities (classes ${JSON.stringify(facts.classes)}), ${facts.inspectors} inspectors, ` +
        `${facts.conflicts} declared conflicts${args.reuse ? '' : ` in ${loadSec.toFixed(1)} s`} (then ANALYZE entity, score, entity_risk)`,
    );

    // --- the api, and the city's SAMR officer ---
    const username = args.reuse ? `bench-planner-${Date.now()}` : 'bench-planner';
    const officer = await createUser(ds, username, {
      role: 'department_officer',
      regionCode: CITY,
      departmentCode: DEPARTMENT,
    });
    const { base } = await scratch.startApi(NO_SCHEDULES);
    const auth = await signIn(base, officer.username, officer.password);
    // CPU of this database's PostgreSQL backends (the api's pool; parallel workers, short-lived, are
    // not counted), and of every PostgreSQL process (other databases' work on a shared machine too).
    const backends = async () => {
      const rows: { pid: number }[] = await ds.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
            AND pid <> pg_backend_pid()`,
      );
      return new Map(rows.map(({ pid }) => [pid, cpuSeconds(pid) ?? 0]));
    };
    const call = async <T>(method: string, path: string, body?: unknown): Promise<Timed<T>> => {
      const db0 = await backends();
      const pg0 = cpuByCommand('postgres');
      const t = process.hrtime.bigint();
      const res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const sec = Number(process.hrtime.bigint() - t) / 1e9;
      const pgServerCpuSec = cpuDelta(pg0, cpuByCommand('postgres'));
      const db1 = new Map([...db0.keys()].map((pid) => [pid, cpuSeconds(pid) ?? db0.get(pid)!]));
      if (res.status >= 300)
        throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 2000)}`);
      return {
        sec: round2(sec),
        pgCpuSec: round2(cpuDelta(db0, db1)),
        pgServerCpuSec: round2(pgServerCpuSec),
        status: res.status,
        body: JSON.parse(text) as T,
      };
    };
    const today = todayInShanghai();
    const year = today.slice(0, 4);
    type PlanView = {
      id: string;
      state: string;
      snapshotSize: number | null;
      snapshotHash: string | null;
      expected: {
        population: Record<string, number>;
        allocation: { counts: Record<string, number>; used: number };
      } | null;
    };
    const created = await call<PlanView>('POST', '/inspection-plans', {
      title: `${year}年杭州市市场监管领域双随机抽查（基准）`,
      items: ITEMS,
      regionCode: CITY,
      periodStart: today,
      periodEnd: `${year}-12-31` >= today ? `${year}-12-31` : today,
      budget,
    });
    const planId = created.body.id;
    console.log(
      `POST /inspection-plans (draft, expected counts over the population): ${created.sec} s ` +
        `(PostgreSQL backends' CPU ${created.pgCpuSec} s, all PostgreSQL ${created.pgServerCpuSec} s); expected population ${JSON.stringify(created.body.expected?.population)}`,
    );
    const frozen = await call<PlanView>('POST', `/inspection-plans/${planId}/freeze`);
    console.log(
      `POST /:id/freeze: ${frozen.sec} s (PostgreSQL backends' CPU ${frozen.pgCpuSec} s, all PostgreSQL ${frozen.pgServerCpuSec} s); snapshot of ${frozen.body.snapshotSize} ` +
        `entities, hash ${frozen.body.snapshotHash?.slice(0, 16)}…; allocation ${JSON.stringify(frozen.body.expected?.allocation.counts)} ` +
        `(${frozen.body.expected?.allocation.used} of ${budget})`,
    );
    const drawn = await call<PlanView>('POST', `/inspection-plans/${planId}/draw`);
    const [{ tasks }] = await ds.query(`SELECT count(*)::int AS tasks FROM plan_task WHERE plan_id = $1`, [
      planId,
    ]);
    console.log(
      `POST /:id/draw: ${drawn.sec} s (PostgreSQL backends' CPU ${drawn.pgCpuSec} s, all PostgreSQL ${drawn.pgServerCpuSec} s); ${tasks} tasks`,
    );
    const staffed = await call<PlanView & { staffing: { tasks: number; unassignable: number } }>(
      'POST',
      `/inspection-plans/${planId}/staff`,
    );
    const [audit] = await ds.query(
      `SELECT detail FROM audit_log WHERE action = 'plan.staff' AND target = $1 ORDER BY seq DESC LIMIT 1`,
      [`inspection-plan:${planId}`],
    );
    const avoided: number = audit?.detail?.avoided ?? 0;
    const byState: Record<string, number> = Object.fromEntries(
      (
        await ds.query(
          `SELECT state, count(*)::int AS n FROM plan_task WHERE plan_id = $1 GROUP BY state ORDER BY state`,
          [planId],
        )
      ).map((r: { state: string; n: number }) => [r.state, r.n]),
    );
    const reasons: Record<string, number> = Object.fromEntries(
      (
        await ds.query(
          `SELECT unassignable->>'code' AS code, count(*)::int AS n FROM plan_task
            WHERE plan_id = $1 AND unassignable IS NOT NULL GROUP BY 1 ORDER BY 1`,
          [planId],
        )
      ).map((r: { code: string; n: number }) => [r.code, r.n]),
    );
    console.log(
      `POST /:id/staff: ${staffed.sec} s (PostgreSQL backends' CPU ${staffed.pgCpuSec} s, all PostgreSQL ${staffed.pgServerCpuSec} s); ${staffed.body.staffing.tasks} tasks, ` +
        `${staffed.body.staffing.unassignable} unassignable ${JSON.stringify(reasons)}, ${avoided} inspector choices avoided (回避)`,
    );
    const verified = await call<{ ok: boolean; problems: unknown[] }>(
      'GET',
      `/inspection-plans/${planId}/verify`,
    );
    console.log(
      `GET /:id/verify: ${verified.sec} s (PostgreSQL backends' CPU ${verified.pgCpuSec} s, all PostgreSQL ${verified.pgServerCpuSec} s); ok ${verified.body.ok}` +
        (verified.body.ok ? '' : ` ${JSON.stringify(verified.body.problems).slice(0, 500)}`),
    );
    if (!verified.body.ok) throw new Error(`the plan's draw does not verify`);

    // --- where the draw's time goes: replayed in this process ---
    const repo = new PlanningRepository(ds, new AuditRepository(ds));
    const plan = (await repo.get(planId))!;
    let t = process.hrtime.bigint();
    const snapshot = await repo.snapshot(planId);
    const snapshotSec = Number(process.hrtime.bigint() - t) / 1e9;
    t = process.hrtime.bigint();
    const replay = draw({ planId, seedHex: plan.seed!, snapshot, allocation: plan.allocation!.counts });
    const drawJsSec = Number(process.hrtime.bigint() - t) / 1e9;
    const [explained] = await ds.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT entity_id::text AS e, uscc AS u, risk_class AS c FROM plan_population WHERE plan_id = $1 ORDER BY ord`,
      [planId],
    );
    const snapshotPgMs = round2(explained['QUERY PLAN'][0]['Execution Time']);
    console.log(
      `the draw replayed in this process: snapshot read ${round2(snapshotSec)} s (${snapshot.length} rows; PostgreSQL ` +
        `execution ${snapshotPgMs} ms), draw() ${round2(drawJsSec)} s (${replay.length} drawn)`,
    );

    // --- and the staffing: its inputs read as PlanningService.staff reads them, the pure staff() timed,
    // its teams compared with the stored ones (the same seed gives the same teams) ---
    const items = loadItems(process.env.CONFIG_DIR ?? 'config');
    t = process.hrtime.bigint();
    const stored = await repo.tasks(planId);
    const entityIds = stored.map((x) => x.entityId);
    const since = formatDay(addMonths(dayNumber(today), -plan.exclusions.teamAvoidanceMonths));
    const [active, conflictMap, recent] = await Promise.all([
      repo.activeInspectors(plan.departmentCodes),
      new InspectorRepository(ds, new AuditRepository(ds)).conflictedInspectors(entityIds),
      plan.exclusions.teamAvoidanceMonths > 0
        ? repo.recentTeams(entityIds, since, planId)
        : new Map<string, Set<string>>(),
    ]);
    const staffReadSec = Number(process.hrtime.bigint() - t) / 1e9;
    const deptOf = new Map(plan.items.map((i) => [i.code, i.departmentCode]));
    const staffTasks = stored.map((x) => {
      const departments = new Map<string, Domain[]>();
      for (const code of x.items) {
        const item = items.get(code);
        const dept = deptOf.get(code);
        if (!item || !dept) continue;
        const list = departments.get(dept) ?? [];
        if (!list.includes(item.domain)) list.push(item.domain);
        departments.set(dept, list);
      }
      const avoid = new Map<string, AvoidReason>();
      for (const i of recent.get(x.entityId) ?? []) avoid.set(i, 'inspected_recently');
      for (const [i, why] of conflictMap.get(x.entityId) ?? []) avoid.set(i, why);
      return { taskNo: x.taskNo, entityRegionCode: x.entity.regionCode, departments, avoid };
    });
    t = process.hrtime.bigint();
    const teams = staff({
      planId,
      seedHex: plan.seed!,
      inspectors: active.map((i) => ({ ...i, domains: i.domains as Domain[], active: true })),
      tasks: staffTasks,
    });
    const staffJsSec = Number(process.hrtime.bigint() - t) / 1e9;
    const storedTeams = new Map(stored.map((x) => [x.taskNo, x.inspectorIds.join(',')]));
    const sameTeams = teams.every((x) => storedTeams.get(x.taskNo) === x.inspectorIds.join(','));
    const conflictedTasks = stored.filter((x) => conflictMap.has(x.entityId)).length;
    console.log(
      `the staffing replayed in this process: its reads ${round2(staffReadSec)} s (tasks, inspectors, conflicts, ` +
        `recent teams; ${conflictedTasks} tasks on an entity with a conflicted inspector), staff() ` +
        `${round2(staffJsSec)} s; teams ${sameTeams ? 'identical to' : 'DIFFERENT from'} the stored ones`,
    );
    if (!sameTeams) throw new Error('the replayed staffing differs from the stored teams');

    const target = 10;
    const over = (
      [
        ['freeze', frozen.sec],
        ['draw', drawn.sec],
        ['staff', staffed.sec],
      ] as const
    ).filter(([, s]) => s > target);
    console.log(
      over.length
        ? `over the ${target} s target: ${over.map(([k, s]) => `${k} ${s} s`).join(', ')}`
        : `freeze ${frozen.sec} s, draw ${drawn.sec} s, staff ${staffed.sec} s: each under the ${target} s target`,
    );
    const loadAtEnd = machineLoad();
    console.log(`machine: at start ${loadAtStart}; at end ${loadAtEnd}`);
    if (args.keep || args.reuse)
      console.log(`database kept: ${scratch.databaseName} (--reuse ${scratch.databaseName})`);
    printJsonLine({
      bench: 'planning',
      entities: facts.entities,
      inspectors: facts.inspectors,
      conflicts: facts.conflicts,
      classes: facts.classes,
      items: ITEMS.length,
      budget,
      createSec: created.sec,
      freezeSec: frozen.sec,
      drawSec: drawn.sec,
      staffSec: staffed.sec,
      verifySec: verified.sec,
      pgCpuSec: {
        create: created.pgCpuSec,
        freeze: frozen.pgCpuSec,
        draw: drawn.pgCpuSec,
        staff: staffed.pgCpuSec,
        verify: verified.pgCpuSec,
      },
      pgServerCpuSec: {
        create: created.pgServerCpuSec,
        freeze: frozen.pgServerCpuSec,
        draw: drawn.pgServerCpuSec,
        staff: staffed.pgServerCpuSec,
        verify: verified.pgServerCpuSec,
      },
      population: frozen.body.snapshotSize,
      populationByClass: frozen.body.expected?.population,
      allocation: frozen.body.expected?.allocation.counts,
      tasks,
      tasksByState: byState,
      unassignable: staffed.body.staffing.unassignable,
      unassignableReasons: reasons,
      avoided,
      verified: verified.body.ok,
      snapshotReadSec: round2(snapshotSec),
      snapshotPgMs,
      drawJsSec: round2(drawJsSec),
      staffReadSec: round2(staffReadSec),
      staffJsSec: round2(staffJsSec),
      conflictedTasks,
      underTarget: over.length === 0,
      loadSec: args.reuse ? undefined : round2(loadSec),
      database: args.keep || args.reuse ? scratch.databaseName : undefined,
      planId,
      loadAtStart,
      loadAtEnd,
    });
  });
}

// --- the load: straight into the tables, as a city looks after ingestion and the nightly run ---

// Industries (GB/T 4754) with their share of the city's entities: the five items apply to the first
// ones (catering and retail: food operation; C14: food production; C: product quality and special
// equipment; 有限责任公司: the annual report), the rest only through the annual report, if at all.
const INDUSTRIES: [string, number][] = [
  ['H6210', 0.16], // 正餐服务
  ['H6220', 0.06], // 快餐服务
  ['F5211', 0.08], // 百货零售
  ['F5221', 0.1], // 食品零售
  ['C1411', 0.02], // 焙烤食品制造
  ['C1431', 0.02], // 方便食品制造
  ['C3311', 0.04], // 金属结构制造
  ['C3484', 0.03], // 机械零部件加工
  ['C3989', 0.03], // 其他电子元件制造
  ['I6510', 0.12], // 软件开发
  ['L7212', 0.1], // 投资与资产管理
  ['M7320', 0.08], // 工程和技术研究
  ['O8010', 0.06], // 居民服务
  ['E4890', 0.04], // 其他土木工程建筑
  ['K7010', 0.06], // 房地产开发经营
];

async function load(ds: DataSource, n: number, inspectors: number, conflicts: number): Promise<void> {
  await storeDepartments(ds, generateDepartments('330000'));
  const total = INDUSTRIES.reduce((a, [, share]) => a + share, 0);
  const industryOf = (i: number): string => {
    let x = ((hash(i, 3) % 10000) / 10000) * total;
    for (const [code, share] of INDUSTRIES) if ((x -= share) < 0) return code;
    return INDUSTRIES[INDUSTRIES.length - 1][0];
  };
  const t0 = Date.now();
  for (let from = 0; from < n; from += BATCH) {
    const to = Math.min(n, from + BATCH);
    const usccs: string[] = [];
    const industries: string[] = [];
    for (let i = from; i < to; i++) {
      // 个体工商户 (USCC category 2 under authority 9) or a company (category 1), 40 : 60
      const individual = hash(i, 7) % 100 < 40;
      usccs.push(
        makeUscc({
          authority: '9',
          category: individual ? '2' : '1',
          regionCode: COUNTIES[i % COUNTIES.length],
          orgBody: orgBody(i),
        }),
      );
      industries.push(industryOf(i));
    }
    await ds.query(
      `INSERT INTO entity (uscc, name, entity_type, region_code, industry_code, established_on, registered_capital,
                           status, legal_rep_name, legal_rep_id_number, address, provisional, master_source)
       SELECT u, '杭州基准' || (CASE WHEN substr(u, 2, 1) = '2' THEN '个体户' ELSE '有限公司' END) || i,
              CASE WHEN substr(u, 2, 1) = '2' THEN '个体工商户' ELSE '有限责任公司' END,
              substr(u, 3, 6), ind,
              DATE '2010-01-01' + (h % 5800)::int,
              ((h % 500) + 1) * 10000,
              CASE WHEN h % 100 < 96 THEN 'active' WHEN h % 100 < 98 THEN 'deregistered' ELSE 'revoked' END,
              '法人' || i,
              -- every 40th entity shares its legal representative with the one before (related parties)
              '3301' || lpad((i - CASE WHEN i % 40 = 1 THEN 1 ELSE 0 END)::text, 14, '0'),
              -- and every 55th its registered address
              '浙江省杭州市基准路' || (i - CASE WHEN i % 55 = 1 THEN 1 ELSE 0 END) || '号',
              false, 'bench'
         FROM (SELECT u, ind, i - 1 + $1 AS i, (((i - 1 + $1) * 2654435761) % 4294967291)::bigint AS h
                 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(u, ind, i)) s`,
      [from, usccs, industries],
    );
    process.stderr.write(`  loading: ${to} entities in ${((Date.now() - t0) / 1000).toFixed(0)} s\r`);
  }
  process.stderr.write('\n');
  // One score per entity and its current risk, as a full run leaves them: classes by a hash of the id
  // (≈ A 60%, B 26%, C 11%, D 3%), the score in its class's band.
  await ds.query(`
    INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, class_before_floors, risk_class,
                       factors, inputs_hash, trigger)
    SELECT id, 'scorecard-v2', CURRENT_DATE, s, 600, s, c, c, '[]', md5(id::text), 'full-run'
      FROM (SELECT id, h,
                   CASE WHEN h < 60 THEN 'A' WHEN h < 86 THEN 'B' WHEN h < 97 THEN 'C' ELSE 'D' END AS c,
                   CASE WHEN h < 60 THEN 700 + h WHEN h < 86 THEN 600 + h WHEN h < 97 THEN 500 + h ELSE 400 + h END AS s
              FROM (SELECT id, ((id * 40503) % 100)::int AS h FROM entity) x) y`);
  await ds.query(`
    INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                             top_factors, scored_at, rank_score)
    SELECT s.entity_id, s.id, s.score, s.risk_class, s.model_version, e.region_code, e.industry_code, '[]', now(), s.score
      FROM score s JOIN entity e ON e.id = s.entity_id`);
  // The city SAMR's inspectors, spread over the counties (a tenth at the city); most cover every SAMR
  // domain of the items, some only food safety and market regulation.
  await ds.query(
    `INSERT INTO inspector (department_code, name, certificate_no, domains, region_code, created_by)
     SELECT $1, '检查员' || k, 'ZJ-3301-' || lpad(k::text, 6, '0'),
            CASE WHEN k % 5 = 0 THEN '{food_safety,market_regulation}'::text[] ELSE $2::text[] END,
            CASE WHEN k % 10 = 0 THEN '330100' ELSE ($3::text[])[(k % 6) + 1] END, 'bench'
       FROM generate_series(1, $4) k`,
    [DEPARTMENT, SAMR_DOMAINS, COUNTIES, inspectors],
  );
  // Declared conflicts: an inspector and an entity of the inspector's county (a city inspector's: any
  // county), pairs spread over the directory and the entities by multiplicative hashing.
  await ds.query(
    `INSERT INTO inspector_conflict (inspector_id, entity_id, reason, declared_by)
     SELECT i.id, e0 + 6 * ((k::bigint * 104729) % ($2 / 6)) + CASE WHEN i.region_code = '330100' THEN k % 6
                   ELSE array_position($4::text[], i.region_code) - 1 END,
            '近亲属任该企业股东', 'bench'
       FROM generate_series(1, $3) k
       JOIN (SELECT id, region_code, row_number() OVER (ORDER BY id) - 1 AS rn FROM inspector) i ON i.rn = (k * 7919) % $1
      CROSS JOIN (SELECT min(id) AS e0 FROM entity) m
     ON CONFLICT DO NOTHING`,
    [inspectors, n, conflicts, COUNTIES],
  );
  // What the product analyzes itself: entity after a batch, score and entity_risk after a run.
  await ds.query(`ANALYZE entity`);
  await ds.query(`ANALYZE score`);
  await ds.query(`ANALYZE entity_risk`);
}

function hash(i: number, salt: number): number {
  return Math.abs(Math.imul(i ^ (salt * 0x9e3779b9), 0x85ebca6b) ^ (i >>> 13)) >>> 0;
}

// 8 characters of the USCC charset (no I, O, Z, S, V), unique per index.
const ORG_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function orgBody(i: number): string {
  let s = '';
  let x = i;
  for (let k = 0; k < 8; k++) {
    s = ORG_CHARS[x % 31] + s;
    x = Math.floor(x / 31);
  }
  return s;
}
