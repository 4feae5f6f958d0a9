import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { Queue } from 'bullmq';
import { addDays, baseEnvSchema, parseEnv, todayInShanghai } from '@lianjian/common';
import { JobName, QueueName } from '@lianjian/queue';
import { EntityRepository, RecordRepository, ScoreRepository, ScoreRunRepository } from '@lianjian/database';
import {
  FEATURE_NAMES,
  loadScorecard,
  profileConfigFor,
  scoreToSave,
  SEVERE_PENALTY_TYPES,
  type Scorecard,
} from '@lianjian/scoring';
import { seedProvince } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import {
  createAdmin,
  harnessEnvSchema,
  NO_SCHEDULES,
  type Scratch,
  signIn,
  sleep,
  withScratch,
} from '../tools/harness';
import { SQL_TABLE, sqlAgreementStatement, sqlBaselineStatement } from './score-sql';
import { cpuByCommand, cpuDelta, cpuSeconds, machineCpu, machineLoad, RssSampler } from './proc';

// npm run bench:score [-- --entities N] [--years Y] [--seed S] [--chunks-profiled K] [--cpu-prof DIR] [--keep]
//                       [--reuse DB]
//
// The nightly full scoring run at scale: a synthetic province of N entities (default 1,000,000) with
// Y years of history (default 5: ~10.7 records per entity) is seeded into a scratch database; then the
// api and TWO worker processes (WORKER_QUEUES=scoring) run a full scoring run started through
// POST /api/v1/score-runs straight after the load, in the state a user has after a bulk load or an
// import: no VACUUM ANALYZE, no manual ANALYZE, only what the product itself does (the first run,
// `firstRun`). Then the database is tuned by hand (VACUUM ANALYZE) and the tuned runs follow: ONE
// worker process, timed from the POST until GET /score-runs/{id} says done, with the workers'
// resident memory sampled throughout; then the same with TWO worker processes; `firstRunRatio` is
// the first run's wall time over the tuned two-worker run's. The tuned runs
// start from the same state (score, entity_risk and profile emptied before each, so both write one
// score, one entity_risk and one profile row per entity: a first run's work; the steady state, where
// every table is full and the profile table feeds the related-party query, is measured per chunk
// afterwards). The yardstick: ONE SQL statement computing the same per-entity aggregates over the
// same tables into a table (score-sql.ts), timed just before each run on the same state; the
// ratio uses the faster of the two. Right after the tuned two-worker run, the next night's run
// follows (`secondRun`: two workers, as of the next day, no new record in between): it scores every
// entity again and writes a score row only for those whose outcome changed (class, floors, model, or
// the score by SCORE_RUN_MIN_CHANGE points), so its rows written against the first run's and its wall
// time against the first run's are the measure of a history that grows only with information
// (issue 15). Then a sample of chunks is replayed in this process, phase by phase, to show where a
// chunk's time goes. The last line is JSON.
//
// --keep keeps the scratch database (its name is printed); --reuse DB runs on a database a previous run
// kept, without seeding: its score, entity_risk and profile are emptied first, so `firstRun` is then a
// first run on a database planned on the statistics the previous run left, not straight after a load
// (for iterating on the run itself; the figures to report come from a run that seeds).

const CHUNK = 500; // ScoringService.RUN_CHUNK
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

interface RunFigures {
  workers: number;
  wallSec: number; // POST → status done seen by polling (every 250 ms)
  runSec: number; // the run's own started_at → finished_at
  entitiesPerSec: number;
  ratioToSql: number;
  peakRssMb: number; // the largest worker
  perWorkerPeakRssMb: number[];
  workerCpuSec: number[];
  pgBackendCpuSec: number; // CPU of this database's PostgreSQL backends during the run
  pgServerCpuSec: number; // CPU of all PostgreSQL processes (every database, WAL writer, checkpointer…)
  otherCpuSec: number; // the rest of the machine's busy time: api, this process, other users' work
  machineBusyCores: number; // average busy cores of the whole machine during the run
  scoresWritten: number;
  chunks: number;
  loadBefore: string;
  loadAfter: string;
}

const OPTIONS = {
  entities: { type: 'integer', min: CHUNK },
  years: { type: 'integer', min: 1, max: 30 },
  seed: 'number',
  'chunks-profiled': { type: 'integer', min: 1 },
  'cpu-prof': 'string',
  keep: 'boolean',
  reuse: 'string',
} as const;

runCommand({
  name: 'bench:score',
  usage: '[--entities N] [--years Y] [--seed S] [--chunks-profiled K] [--cpu-prof DIR] [--keep] [--reuse DB]',
  options: OPTIONS,
  run: bench,
});

async function bench(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const entities = args.entities ?? 1_000_000;
  const years = args.years ?? 5;
  const seed = args.seed ?? 42;
  const profiled = args['chunks-profiled'] ?? 10;
  const asOf = todayInShanghai();
  // The model the runs score with: the product's default (SCORING_MODEL), which a fresh install
  // activates; the SQL statement and the chunk replay use its profile settings (industry table…).
  const modelFile = join(process.cwd(), 'config', baseEnvSchema.shape.SCORING_MODEL.parse(undefined));
  const model = loadScorecard(JSON.parse(readFileSync(modelFile, 'utf8')));
  console.log(
    `bench:score — ${args.reuse ? `reusing database ${args.reuse}` : `${entities} entities, ${years} years of history`}, ` +
      `as of ${asOf}; ${machineLoad()}`,
  );
  const loadAtStart = machineLoad();

  await withScratch(env, 'bench_score', { keep: args.keep, reuse: args.reuse }, async (scratch) => {
    const ds = await scratch.dataSource(4);

    // --- seed (or the kept database as it is, its outputs emptied) ---
    const seeded = args.reuse
      ? { seconds: 0 }
      : await seedProvince(ds, {
          entities,
          seed,
          end: asOf,
          years,
          onProgress: (n, r) => process.stderr.write(`  seeding: ${n} entities, ${r} records\r`),
        });
    if (args.reuse) await resetScores(ds);
    await ds.query('CHECKPOINT').catch(() => undefined);
    const [{ records, recordMb }] = await ds.query(
      `SELECT count(*)::int AS records, round(pg_total_relation_size('record') / 1048576.0)::int AS "recordMb" FROM record`,
    );
    const [{ n: entityCount }] = await ds.query(`SELECT count(*)::int AS n FROM entity`);
    console.log(
      `seeded ${entityCount} entities, ${records} records (${round2(records / entityCount)} per entity; record table ` +
        `${recordMb} MB with indexes) in ${seeded.seconds.toFixed(1)} s`,
    );

    // --- the api, shared by both runs ---
    const admin = await createAdmin(ds, args.reuse ? `bench-admin-${Date.now()}` : 'bench-admin');
    const { base } = await scratch.startApi(NO_SCHEDULES);
    auth = await signIn(base, admin.username, admin.password);

    // --- the first run, straight after the load: the planner statistics the product left ---
    const stats = await statisticsState(ds);
    console.log(`after the load: ${stats}`);
    const { figures: firstRun, runId: firstRunId } = await timedRun(
      scratch,
      base,
      2,
      entityCount,
      ds,
      args['cpu-prof'],
    );
    console.log(
      `first run after the load (2 workers, no manual ANALYZE): ${firstRun.wallSec.toFixed(1)} s wall ` +
        `(run ${firstRun.runSec.toFixed(1)} s), ${firstRun.entitiesPerSec} entities/s`,
    );

    // --- tuned by hand from here on ---
    await resetScores(ds);
    await ds.query('VACUUM ANALYZE');
    await ds.query('CHECKPOINT').catch(() => undefined);

    // --- the two runs, each after the SQL statement on the same state ---
    const sqlSecs: number[] = [];
    const runs: RunFigures[] = [];
    let runIds: string[] = [firstRunId];
    let agreement: Record<string, number> | undefined;
    for (const workers of [1, 2]) {
      await resetScores(ds);
      const sqlSec = await timeSql(ds, asOf, model);
      sqlSecs.push(sqlSec);
      console.log(
        `SQL baseline (one CREATE TABLE AS over entity + record + profile): ${sqlSec.toFixed(2)} s`,
      );
      await ds.query('CHECKPOINT').catch(() => undefined);
      const { figures, runId } = await timedRun(scratch, base, workers, entityCount, ds, args['cpu-prof']);
      runs.push(figures);
      runIds = [...runIds, runId];
      if (workers === 1) agreement = await checkAgreement(ds, entityCount);
    }

    // --- the next night: the same entities and records, as of the next day ---
    const nextDay = addDays(asOf, 1);
    const { figures: secondRun, runId: secondRunId } = await timedRun(
      scratch,
      base,
      2,
      entityCount,
      ds,
      args['cpu-prof'],
      nextDay,
    );
    runIds = [...runIds, secondRunId];
    const [one, two] = runs;
    const secondRunShare = Math.round((secondRun.scoresWritten / entityCount) * 1e5) / 1e5;
    console.log(
      `full run (2 workers, as of ${asOf}): ${two.scoresWritten} score rows written in ${two.wallSec.toFixed(1)} s; ` +
        `the next night's run (as of ${nextDay}, no new record): ${secondRun.scoresWritten} score rows written ` +
        `(${(secondRunShare * 100).toFixed(2)}% of ${entityCount} entities, the others only checked) in ` +
        `${secondRun.wallSec.toFixed(1)} s (${round2(secondRun.wallSec / two.wallSec)}× the first)`,
    );

    const sqlSec = Math.min(...sqlSecs);
    for (const r of [firstRun, ...runs, secondRun]) r.ratioToSql = round2(r.wallSec / sqlSec);
    for (const r of runs)
      console.log(
        `${r.workers} worker${r.workers > 1 ? 's' : ' '}: ${r.wallSec.toFixed(1)} s wall (run ${r.runSec.toFixed(1)} s), ` +
          `${r.entitiesPerSec} entities/s, ${r.ratioToSql}× the SQL statement (${sqlSec.toFixed(2)} s), ` +
          `peak worker RSS ${r.peakRssMb} MB (${r.perWorkerPeakRssMb.join(' / ')}), worker CPU ` +
          `${r.workerCpuSec.join(' + ')} s, PostgreSQL backends ${r.pgBackendCpuSec} s ` +
          `(all PostgreSQL ${r.pgServerCpuSec} s), everything else ${r.otherCpuSec} s, machine busy ${r.machineBusyCores} cores`,
      );

    // --- where a chunk's time goes: replayed in this process, phase by phase ---
    const phasesFull = await profileChunks(ds, model, asOf, profiled, 'full');
    printPhases('steady state (profile, score and entity_risk full, every score changed)', phasesFull);
    await resetScores(ds);
    const phasesEmpty = await profileChunks(ds, model, asOf, profiled, 'empty');
    printPhases('first run (profile, score and entity_risk empty)', phasesEmpty);

    const firstRunRatio = round2(firstRun.wallSec / two.wallSec);
    // Less noisy on a shared machine than wall time: this database's PostgreSQL backends' CPU.
    const firstRunPgCpuRatio = round2(firstRun.pgBackendCpuSec / Math.max(0.1, two.pgBackendCpuSec));
    console.log(
      `first run after the load ${firstRun.wallSec.toFixed(1)} s against the tuned two-worker run ` +
        `${two.wallSec.toFixed(1)} s: ${firstRunRatio}× (PostgreSQL backend CPU ${firstRun.pgBackendCpuSec} ` +
        `against ${two.pgBackendCpuSec} s: ${firstRunPgCpuRatio}×)`,
    );
    const loadAtEnd = machineLoad();
    console.log(`machine: at start ${loadAtStart}; at end ${loadAtEnd}`);
    if (args.keep || args.reuse)
      console.log(`database kept: ${scratch.databaseName} (--reuse ${scratch.databaseName})`);
    printJsonLine({
      bench: 'score',
      entities: entityCount,
      records,
      years,
      asOf,
      modelVersion: model.modelVersion,
      wallSec: two.wallSec,
      entitiesPerSec: two.entitiesPerSec,
      ratioToSql: two.ratioToSql,
      peakRssMb: Math.max(...two.perWorkerPeakRssMb),
      firstRunSec: firstRun.wallSec,
      firstRunRatio,
      firstRunPgCpuRatio,
      statisticsAfterLoad: stats,
      sqlSec: round2(sqlSec),
      sqlRunsSec: sqlSecs.map(round2),
      firstRun,
      oneWorker: one,
      twoWorkers: two,
      // The full run twice (issue 15): the tuned two-worker run, then the next night's with no new record.
      firstRunRowsWritten: two.scoresWritten,
      secondRunAsOf: nextDay,
      secondRunRowsWritten: secondRun.scoresWritten,
      secondRunShare,
      secondRunSeconds: secondRun.wallSec,
      secondRunRatio: round2(secondRun.wallSec / two.wallSec),
      secondRun,
      sqlAgreement: agreement,
      chunkPhasesMs: { steadyState: phasesFull, firstRun: phasesEmpty },
      seedSec: args.reuse ? undefined : round1(seeded.seconds),
      database: args.keep || args.reuse ? scratch.databaseName : undefined,
      recordTableMb: recordMb,
      loadAtStart,
      loadAtEnd,
      runIds,
    });
  });
}

// What the planner knows of the tables a run reads, as the load left them: for each, the rows its
// statistics say (pg_class.reltuples; -1 = never analyzed) against the rows it has.
async function statisticsState(ds: DataSource): Promise<string> {
  const rows: { t: string; est: number; live: number }[] = await ds.query(
    `SELECT c.relname AS t, c.reltuples::float8 AS est, s.n_live_tup::float8 AS live
       FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relname IN ('entity', 'record') ORDER BY 1`,
  );
  return rows
    .map((r) => `${r.t} statistics ${r.est < 0 ? 'none' : `${r.est} rows`} (${r.live} live)`)
    .join(', ');
}

// Every tuned run starts from this state: no scores, no current risk, no profiles (a first full run).
async function resetScores(ds: DataSource): Promise<void> {
  await ds.query('TRUNCATE score, entity_risk, profile');
  await ds.query(`DROP TABLE IF EXISTS ${SQL_TABLE}`);
}

async function timeSql(ds: DataSource, asOf: string, model: Scorecard): Promise<number> {
  await ds.query(`DROP TABLE IF EXISTS ${SQL_TABLE}`);
  const statement = sqlBaselineStatement(asOf, profileConfigFor(model));
  const t = process.hrtime.bigint();
  await ds.query(statement);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

// The SQL table against the profiles run 1 stored: entities whose value differs, per feature. The
// SQL statement computes the features it can express as aggregates; those it does not compute (the
// text-comparing and sequence features: repeated findings, the latest inspection's counts, trends…)
// are named, not compared, and make the SQL baseline the lighter side of the ratio.
async function checkAgreement(ds: DataSource, entityCount: number): Promise<Record<string, number>> {
  const cols = new Set(
    (
      (await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1`, [
        SQL_TABLE,
      ])) as { column_name: string }[]
    ).map((c) => c.column_name),
  );
  const compared = FEATURE_NAMES.filter((f) => cols.has(f));
  const notInSql = FEATURE_NAMES.filter((f) => !cols.has(f));
  const [row] = await ds.query(sqlAgreementStatement(compared));
  const differing = Object.entries(row as Record<string, number>).filter(
    ([k, v]) => k !== 'compared' && v > 0,
  );
  console.log(
    `SQL vs computeProfile over ${row.compared} of ${entityCount} entities: ` +
      (differing.length
        ? `differ on ${differing.map(([k, v]) => `${k} (${v})`).join(', ')}; all other ${compared.length - differing.length} compared features equal`
        : `all ${compared.length} compared features equal`) +
      (notInSql.length
        ? `; not computed by the SQL statement (${notInSql.length}): ${notInSql.join(', ')}`
        : ''),
  );
  return { ...row, featuresCompared: compared.length, featuresNotInSql: notInSql.length };
}

// The bench administrator's bearer token (POST /api/v1/auth/login).
let auth: Record<string, string> = {};

async function timedRun(
  scratch: Scratch,
  base: string,
  workerCount: number,
  entityCount: number,
  ds: DataSource,
  cpuProfDir: string | undefined,
  // Started as of this day (the next night's run) by a start job on the scoring queue, the api's
  // POST taking no date; otherwise through POST /api/v1/score-runs, as of today.
  asOfDay?: string,
): Promise<{ figures: RunFigures; runId: string }> {
  const workerEnv: Record<string, string> = { ...NO_SCHEDULES, WORKER_QUEUES: 'scoring' };
  // As node arguments: node refuses --cpu-prof in NODE_OPTIONS.
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const workers = await scratch.startWorkers(workerCount, workerEnv, nodeArgs);
  try {
    const pids = workers.map((w) => w.proc.pid as number);
    const sampler = new RssSampler(pids);
    const loadBefore = machineLoad();
    const cpu0 = pids.map((pid) => cpuSeconds(pid) ?? 0);
    const pg0 = await backendCpu(ds);
    const server0 = cpuByCommand('postgres');
    const m0 = machineCpu();
    sampler.start(200);

    const t0 = Date.now();
    let runId: string;
    if (asOfDay) {
      runId = randomUUID();
      const queue = new Queue(QueueName.Scoring, {
        connection: { url: parseEnv(harnessEnvSchema, process.env).REDIS_URL },
        prefix: scratch.prefix,
      });
      try {
        await queue.add(
          JobName.StartScoreRun,
          { trigger: 'manual', runId, asOf: asOfDay },
          { jobId: `start-run-${runId}` },
        );
      } finally {
        await queue.close();
      }
    } else {
      const res = await fetch(`${base}/api/v1/score-runs`, { method: 'POST', headers: auth });
      if (res.status !== 202)
        throw new Error(`POST /api/v1/score-runs answered ${res.status}: ${await res.text()}`);
      ({ runId } = (await res.json()) as { runId: string });
    }
    let lastPrint = Date.now();
    let run: { status: string; progress: { chunks: { done: number; total: number } } } | undefined;
    for (;;) {
      const r = await fetch(`${base}/api/v1/score-runs/${runId}`, { headers: auth });
      if (r.status === 200) run = (await r.json()) as typeof run;
      if (run?.status === 'done') break;
      const dead = workers.find((w) => w.proc.exitCode !== null || w.proc.signalCode !== null);
      if (dead) throw new Error(`a worker exited during the run:\n${dead.output().slice(-3000)}`);
      if (Date.now() - lastPrint > 10_000 && run) {
        lastPrint = Date.now();
        const s = (Date.now() - t0) / 1000;
        const { done, total } = run.progress.chunks;
        process.stderr.write(
          `  ${workerCount} worker(s): ${done}/${total} chunks in ${s.toFixed(0)} s ` +
            `(${Math.round((done * CHUNK) / s)} entities/s), RSS ${sampler.currentMb().join(' / ')} MB\n`,
        );
      }
      await sleep(250);
    }
    const wallSec = (Date.now() - t0) / 1000;
    const perWorkerPeakRssMb = sampler.stop();
    const workerCpuSec = pids.map((pid, i) => round1((cpuSeconds(pid) ?? 0) - cpu0[i]));
    const pg1 = await backendCpu(ds);
    const server1 = cpuByCommand('postgres');
    const m1 = machineCpu();
    const pgCpu = cpuDelta(pg0, pg1);
    const serverCpu = cpuDelta(server0, server1);
    const workerCpu = pids.reduce((sum, pid, i) => sum + (cpuSeconds(pid) ?? 0) - cpu0[i], 0);
    const [db] = await ds.query(
      `SELECT extract(epoch FROM finished_at - started_at)::float8 AS "runSec", entities_scored AS scored,
              scores_changed AS changed, chunks_total AS chunks, model_version AS "modelVersion"
         FROM score_run WHERE id = $1`,
      [runId],
    );
    if (db.scored !== entityCount)
      throw new Error(`run ${runId} scored ${db.scored} entities, expected ${entityCount}`);
    return {
      runId,
      figures: {
        workers: workerCount,
        wallSec: round2(wallSec),
        runSec: round2(db.runSec),
        entitiesPerSec: Math.round(entityCount / wallSec),
        ratioToSql: 0,
        peakRssMb: Math.max(...perWorkerPeakRssMb),
        perWorkerPeakRssMb,
        workerCpuSec,
        pgBackendCpuSec: round1(pgCpu),
        pgServerCpuSec: round1(serverCpu),
        otherCpuSec: round1(m1.busy - m0.busy - workerCpu - serverCpu),
        machineBusyCores: round2((m1.busy - m0.busy) / wallSec),
        scoresWritten: db.changed,
        chunks: db.chunks,
        loadBefore,
        loadAfter: machineLoad(),
      },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

// CPU seconds of every PostgreSQL backend connected to the bench database, by pid.
async function backendCpu(ds: DataSource): Promise<Map<number, number>> {
  const rows: { pid: number }[] = await ds.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const s = cpuSeconds(pid);
    if (s !== undefined) out.set(pid, s);
  }
  return out;
}

interface Phases {
  chunks: number;
  entities: number;
  records: number;
  // milliseconds per chunk of 500 entities, averaged over the chunks replayed
  bookkeeping: number; // isChunkDone + runs.get
  loadEntities: number; // EntityRepository.findRange
  loadRecords: number; // RecordRepository.forScoringRange (query, transfer, row objects, grouping)
  loadRecordsServer: number; // of which PostgreSQL's execution (EXPLAIN ANALYZE of the same query)
  relatedParties: number; // EntityRepository.relatedPartySignals
  computeProfileAndScore: number; // scoreEntity + topFactors + the row objects
  jsonStringify: number; // JSON.stringify of the chunk's rows (done inside saveRunChunk)
  save: number; // ScoreRepository.saveRunChunk (includes its JSON.stringify)
  total: number;
}

// Replays `k` chunks spread over the id range in this process, timing each phase of
// ScoringService.scoreRunChunk with the same repositories and pure functions, and saving through
// saveRunChunk under a run of its own. `state` 'full': the current scores' model is first
// invalidated so every entity writes a new score and updates entity_risk and profile, as a run with a
// new model does (a night with no new record writes almost none: secondRun).
async function profileChunks(
  ds: DataSource,
  model: Scorecard,
  asOf: string,
  k: number,
  state: 'full' | 'empty',
): Promise<Phases> {
  if (state === 'full') {
    await ds.query(`UPDATE entity_risk SET model_version = 'bench-invalidated'`);
    await ds.query('VACUUM ANALYZE score, entity_risk, profile');
  }
  const entitiesRepo = new EntityRepository(ds);
  const recordsRepo = new RecordRepository(ds);
  const scoresRepo = new ScoreRepository(ds);
  const runsRepo = new ScoreRunRepository(ds);
  const runId = randomUUID();
  const { chunks } = await runsRepo.create({
    id: runId,
    trigger: 'manual',
    asOf,
    modelVersion: model.modelVersion,
    chunkSize: CHUNK,
    flag: {
      severePenaltyTypes: [...SEVERE_PENALTY_TYPES],
      longWindowMonths: profileConfigFor(model).longWindowMonths,
    },
  });
  const picked = Array.from(
    { length: Math.min(k, chunks.length) },
    (_, i) => chunks[Math.floor(((i + 0.5) * chunks.length) / Math.min(k, chunks.length))],
  );
  const sum: Phases = {
    chunks: 0,
    entities: 0,
    records: 0,
    bookkeeping: 0,
    loadEntities: 0,
    loadRecords: 0,
    loadRecordsServer: 0,
    relatedParties: 0,
    computeProfileAndScore: 0,
    jsonStringify: 0,
    save: 0,
    total: 0,
  };
  const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
  for (const c of picked) {
    const tChunk = process.hrtime.bigint();
    let t = process.hrtime.bigint();
    await runsRepo.isChunkDone(runId, c.chunkNo);
    await runsRepo.get(runId);
    sum.bookkeeping += ms(t);
    t = process.hrtime.bigint();
    const ents = await entitiesRepo.findRange(c.fromId, c.toId);
    sum.loadEntities += ms(t);
    t = process.hrtime.bigint();
    const recs = await recordsRepo.forScoringRange(c.fromId, c.toId);
    sum.loadRecords += ms(t);
    t = process.hrtime.bigint();
    const related = await entitiesRepo.relatedPartySignals(
      ents.map((e) => e.id),
      runId,
    );
    sum.relatedParties += ms(t);
    t = process.hrtime.bigint();
    // Profile, scorecard and inputs hash, exactly as the scoring service computes them.
    const rows = ents.map((entity) =>
      scoreToSave(entity, recs.get(entity.id) ?? [], related.get(entity.id), asOf, model, 'full-run'),
    );
    sum.computeProfileAndScore += ms(t);
    t = process.hrtime.bigint();
    JSON.stringify(rows);
    sum.jsonStringify += ms(t);
    t = process.hrtime.bigint();
    await scoresRepo.saveRunChunk(rows, { runId, chunkNo: c.chunkNo });
    sum.save += ms(t);
    sum.total += ms(tChunk);
    // PostgreSQL's own share of loading the records (not part of the total above).
    const explained: { 'QUERY PLAN': { 'Execution Time': number }[] }[] = await ds.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT r.id, r.kind, r.entity_id, to_char(r.occurred_at, 'YYYY-MM-DD'),
              r.data, to_char(r.counts_until, 'YYYY-MM-DD')
         FROM record r WHERE r.entity_id BETWEEN $1 AND $2 ORDER BY r.entity_id, r.occurred_at`,
      [c.fromId, c.toId],
    );
    const plan = explained[0]['QUERY PLAN'][0];
    sum.loadRecordsServer += plan['Execution Time'];
    sum.chunks++;
    sum.entities += ents.length;
    for (const list of recs.values()) sum.records += list.length;
  }
  // The replay's run saved only the chunks replayed: it is closed here, or the next replay's run
  // would be recorded as skipped (one full run at a time) and replay nothing.
  await ds.query(
    `UPDATE score_run SET status = 'done', finished_at = now() WHERE id = $1 AND status = 'running'`,
    [runId],
  );
  const out = { ...sum };
  for (const key of Object.keys(out) as (keyof Phases)[])
    if (!['chunks', 'entities', 'records'].includes(key))
      out[key] = round1(sum[key] / Math.max(1, sum.chunks));
  return out;
}

function printPhases(label: string, p: Phases): void {
  const share = (x: number) => `${x} ms (${Math.round((x / p.total) * 100)}%)`;
  console.log(
    `a chunk of ${CHUNK} entities, ${label}, averaged over ${p.chunks} chunks (${Math.round(p.records / Math.max(1, p.chunks))} records each), ` +
      `one at a time in this process: total ${p.total} ms = bookkeeping ${share(p.bookkeeping)}, ` +
      `entities ${share(p.loadEntities)}, records ${share(p.loadRecords)} (PostgreSQL execution ${p.loadRecordsServer} ms), ` +
      `related parties ${share(p.relatedParties)}, profile + scorecard + inputs hash ${share(p.computeProfileAndScore)}, ` +
      `save ${share(p.save)} (of which JSON.stringify ${p.jsonStringify} ms)`,
  );
}
