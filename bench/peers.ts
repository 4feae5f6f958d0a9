import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { parseEnv, todayInShanghai } from '@lianjian/common';
import { EntityRepository, RecordRepository, ScoreRepository } from '@lianjian/database';
import { loadScorecard, SCORECARD_V1_PATH, scoreToSave, type Scorecard } from '@lianjian/scoring';
import { seedProvince } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import { harnessEnvSchema, withScratch } from '../tools/harness';
import { memoryKb } from './proc';
import {
  danfoPeerContextDivision,
  danfoPeerContextWidening,
  danfoPopulation,
  loadDanfo,
  plainPopulation,
  type DanfoModule,
  type PeerContext,
  type PopulationRow,
} from './peers-danfo';

// npm run bench:peers [-- --entities N] [--samples K] [--keep]
//
// Peer context (同业同地比较) computed in SQL or with danfo.js, measured on the same seeded database
// in the same process. A synthetic province of N entities (default 200,000) is seeded and scored
// (scorecard v1) so entity_risk is full; then:
//   1. on demand, one entity (the entity profile page): ScoreRepository.peerContext, the production SQL
//      path, against danfo DataFrames loaded from PostgreSQL (per widening step, and the whole industry
//      division at once) for K sampled entities; ms per call, and every answer compared;
//   2. the whole population (a nightly run storing every entity's county-level percentile): one SQL
//      statement with window functions into a temp table, against danfo reading entity_risk and
//      computing the same (read and compute timed apart, peak RSS of the step); every entity compared.
// The last line is JSON.

const CHUNK = 500; // ScoringService.RUN_CHUNK
const SCORING_LANES = 2; // chunks scored concurrently (two cores)
const MIN_PEERS = 30; // peerContext's default
const TOLERANCE = 1e-9;
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

const OPTIONS = {
  entities: { type: 'integer', min: CHUNK },
  samples: { type: 'integer', min: 1 },
  keep: 'boolean',
} as const;

runCommand({
  name: 'bench:peers',
  usage: '[--entities N] [--samples K] [--keep]',
  options: OPTIONS,
  run: bench,
});

async function bench(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const entities = args.entities ?? 200_000;
  const samples = args.samples ?? 200;
  const asOf = todayInShanghai();
  const model = loadScorecard(JSON.parse(readFileSync(join(process.cwd(), SCORECARD_V1_PATH), 'utf8')));
  console.log(`bench:peers — ${entities} entities, ${samples} sampled entities on demand, as of ${asOf}`);

  await withScratch(env, 'bench_peers', { keep: args.keep }, async (scratch) => {
    const ds = await scratch.dataSource(4);

    // --- data: seeded, then scored so entity_risk holds every entity's current score ---
    const seeded = await seedProvince(ds, {
      entities,
      seed: 42,
      end: asOf,
      onProgress: (n, r) => process.stderr.write(`  seeding: ${n} entities, ${r} records\r`),
    });
    console.log(
      `seeded ${seeded.entities} entities, ${seeded.records} records in ${seeded.seconds.toFixed(1)} s`,
    );
    const scoreSec = await scoreAll(ds, model, asOf);
    await ds.query('VACUUM ANALYZE entity_risk');
    const [stats] = await ds.query(
      `SELECT count(*)::int AS n,
              count(DISTINCT (left(region_code, 6), upper(left(industry_code, 3))))::int AS groups,
              count(DISTINCT left(region_code, 6))::int AS counties,
              count(DISTINCT upper(left(industry_code, 3)))::int AS divisions
         FROM entity_risk`,
    );
    console.log(
      `scored ${stats.n} entities in ${scoreSec.toFixed(1)} s: ${stats.counties} counties × ${stats.divisions} ` +
        `industry divisions, ${stats.groups} county × division groups`,
    );

    const { dfd, ms: danfoLoadMs } = loadDanfo();
    console.log(`danfojs loaded in ${Math.round(danfoLoadMs)} ms (require, with TensorFlow.js)`);

    // --- 1. on demand, one entity ---
    const onDemand = await measureOnDemand(ds, dfd, samples);
    const { sql, widening, division } = onDemand.ms;
    console.log(
      `on demand, ${onDemand.sampled} entities (levels ${JSON.stringify(onDemand.levels)}), ms per call p50 / p95:\n` +
        `  SQL ScoreRepository.peerContext:                      ${fmt(sql)}\n` +
        `  danfo, peer rows per widening step into a DataFrame:  ${fmt(widening)}  (${onDemand.rows.widening} rows read per call on average)\n` +
        `  danfo, the whole industry division into a DataFrame:  ${fmt(division)}  (${onDemand.rows.division} rows read per call on average)\n` +
        `  answers differing from SQL (level, size, percentile, higher): widening ${onDemand.mismatches.widening}, ` +
        `division ${onDemand.mismatches.division}`,
    );

    // --- 2. the whole population ---
    const pop = await measurePopulation(ds, dfd);
    console.log(
      `whole population, county × division percentile of ${pop.rows} entities (${pop.groups} groups, ` +
        `${pop.distinctScores} distinct group × score pairs):\n` +
        `  SQL, one CREATE TEMP TABLE AS with window functions: ${pop.sqlSecs.map((s) => s.toFixed(2)).join(' s, ')} s ` +
        `(best ${pop.sqlSec.toFixed(2)} s)\n` +
        `  danfo: read from PostgreSQL ${pop.danfoReadSec.toFixed(2)} s + DataFrame ${pop.danfoFrameSec.toFixed(2)} s ` +
        `+ compute ${pop.danfoOpsSec.toFixed(2)} s = ${(pop.danfoReadSec + pop.danfoComputeSec).toFixed(2)} s, ` +
        `${round1((pop.danfoReadSec + pop.danfoComputeSec) / pop.sqlSec)}× the SQL statement; ` +
        `peak RSS during the step ${pop.peakRssMb} MB (${pop.peakRssNote}; ${pop.rssBeforeMb} MB before)\n` +
        `  for reference, plain JavaScript on the same rows (Map + sort): ${pop.plainSec.toFixed(2)} s compute\n` +
        `  entities differing from SQL by more than ${TOLERANCE}: danfo ${pop.mismatches.danfo}, ` +
        `plain JS ${pop.mismatches.plain}`,
    );

    const mismatches =
      onDemand.mismatches.widening +
      onDemand.mismatches.division +
      pop.mismatches.danfo +
      pop.mismatches.plain;
    printJsonLine({
      bench: 'peers',
      entities: stats.n,
      samples: onDemand.sampled,
      onDemandSqlP50Ms: sql.p50,
      onDemandSqlP95Ms: sql.p95,
      // danfo at its best for one entity: the peer rows of each widening step only
      onDemandDanfoP50Ms: widening.p50,
      onDemandDanfoP95Ms: widening.p95,
      onDemandDanfoDivisionP50Ms: division.p50,
      onDemandDanfoDivisionP95Ms: division.p95,
      onDemandLevels: onDemand.levels,
      onDemandRowsPerCall: onDemand.rows,
      populationSqlSec: round3(pop.sqlSec),
      populationSqlRunsSec: pop.sqlSecs.map(round3),
      populationDanfoReadSec: round3(pop.danfoReadSec),
      // DataFrame construction + the danfo operations
      populationDanfoComputeSec: round3(pop.danfoComputeSec),
      populationDanfoFrameSec: round3(pop.danfoFrameSec),
      populationPlainJsComputeSec: round3(pop.plainSec),
      // (danfo read + compute) / SQL
      ratioDanfoToSql: round2((pop.danfoReadSec + pop.danfoComputeSec) / pop.sqlSec),
      mismatches,
      mismatchDetail: {
        onDemandWidening: onDemand.mismatches.widening,
        onDemandDivision: onDemand.mismatches.division,
        populationDanfo: pop.mismatches.danfo,
        populationPlainJs: pop.mismatches.plain,
      },
      peakRssMb: pop.peakRssMb,
      rssBeforeDanfoMb: pop.rssBeforeMb,
      groups: pop.groups,
      distinctGroupScores: pop.distinctScores,
      danfoLoadMs: Math.round(danfoLoadMs),
      seedSec: round1(seeded.seconds),
      scoreSec: round1(scoreSec),
      asOf,
      modelVersion: model.modelVersion,
    });
  });
}

// Fills entity_risk as a first full scoring run does, chunk by chunk with the scoring service's
// repositories and pure functions (score.ts profileChunks), without the Nest container.
async function scoreAll(ds: DataSource, model: Scorecard, asOf: string): Promise<number> {
  const t = process.hrtime.bigint();
  const entitiesRepo = new EntityRepository(ds);
  const recordsRepo = new RecordRepository(ds);
  const scoresRepo = new ScoreRepository(ds);
  const chunks = await entitiesRepo.idChunks(CHUNK);
  let next = 0;
  let done = 0;
  const lane = async () => {
    for (let c = chunks[next++]; c; c = chunks[next++]) {
      const ents = await entitiesRepo.findRange(c.fromId, c.toId);
      const recs = await recordsRepo.forEntityRange(c.fromId, c.toId);
      const related = await entitiesRepo.relatedPartySignals(ents.map((e) => e.id));
      const rows = ents.map((entity) =>
        scoreToSave(entity, recs.get(entity.id) ?? [], related.get(entity.id), asOf, model, 'bench-peers'),
      );
      await scoresRepo.saveMany(rows);
      if (++done % 20 === 0) process.stderr.write(`  scoring: ${done}/${chunks.length} chunks\r`);
    }
  };
  await Promise.all(Array.from({ length: SCORING_LANES }, lane));
  return seconds(t);
}

interface Quantiles {
  p50: number;
  p95: number;
  mean: number;
}

function quantiles(ms: number[]): Quantiles {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)];
  return {
    p50: round2(at(0.5)),
    p95: round2(at(0.95)),
    mean: round2(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

const fmt = (q: Quantiles) => `${q.p50.toFixed(2)} / ${q.p95.toFixed(2)} ms (mean ${q.mean.toFixed(2)})`;

function sameContext(a: PeerContext | undefined, b: PeerContext | undefined): boolean {
  return (
    !!a &&
    !!b &&
    a.level === b.level &&
    a.region === b.region &&
    a.industry === b.industry &&
    a.size === b.size &&
    a.percentile === b.percentile &&
    a.higher === b.higher
  );
}

// K entities in a fixed pseudo-random order (md5 of the id), each answered by the three ways;
// the first few answered once beforehand, untimed, to warm the plans and the JIT.
async function measureOnDemand(ds: DataSource, dfd: DanfoModule, k: number) {
  const scores = new ScoreRepository(ds);
  const ids: string[] = (
    await ds.query(`SELECT entity_id::text AS id FROM entity_risk ORDER BY md5(entity_id::text) LIMIT $1`, [
      k,
    ])
  ).map((r: { id: string }) => r.id);
  for (const id of ids.slice(0, 5)) {
    await scores.peerContext(id, MIN_PEERS);
    await danfoPeerContextWidening(dfd, ds, id, MIN_PEERS);
    await danfoPeerContextDivision(dfd, ds, id, MIN_PEERS);
  }
  const ms = { sql: [] as number[], widening: [] as number[], division: [] as number[] };
  const mismatches = { widening: 0, division: 0 };
  const levels: Record<string, number> = {};
  let wideningRows = 0;
  let divisionRows = 0;
  const ways = ['sql', 'widening', 'division'] as const;
  for (const [i, id] of ids.entries()) {
    const got: Partial<Record<(typeof ways)[number], PeerContext | undefined>> = {};
    // The first way to touch an entity's rows pays for reading them into PostgreSQL's buffers: the
    // order rotates so that no way always goes first.
    for (let j = 0; j < ways.length; j++) {
      const way = ways[(i + j) % ways.length];
      const t = process.hrtime.bigint();
      if (way === 'sql') got.sql = await scores.peerContext(id, MIN_PEERS);
      else if (way === 'widening') got.widening = await danfoPeerContextWidening(dfd, ds, id, MIN_PEERS);
      else got.division = await danfoPeerContextDivision(dfd, ds, id, MIN_PEERS);
      ms[way].push(seconds(t) * 1000);
    }
    const { sql, widening: wide, division: div } = got;
    if (sql) levels[sql.level] = (levels[sql.level] ?? 0) + 1;
    // Rows a call read (not timed): the steps peerContext took, and the whole division.
    if (sql) {
      const [r] = await ds.query(
        `SELECT count(*) FILTER (WHERE er.region_code LIKE left(me.region_code, 6) || '%')::int AS county,
                count(*) FILTER (WHERE er.region_code LIKE left(me.region_code, 4) || '%')::int AS city,
                count(*) FILTER (WHERE er.region_code LIKE left(me.region_code, 2) || '%')::int AS province,
                count(*)::int AS "all"
           FROM entity_risk er, (SELECT region_code FROM entity_risk WHERE entity_id = $1) me
          WHERE upper(left(er.industry_code, 3)) = $2`,
        [id, sql.industry],
      );
      const order = ['county', 'city', 'province', 'all'];
      for (const level of order.slice(0, order.indexOf(sql.level) + 1)) wideningRows += r[level];
      divisionRows += r.all;
    }
    for (const [name, got] of [
      ['widening', wide],
      ['division', div],
    ] as const) {
      if (sameContext(sql, got)) continue;
      mismatches[name]++;
      console.log(`  MISMATCH ${name} entity ${id}: SQL ${JSON.stringify(sql)} danfo ${JSON.stringify(got)}`);
    }
  }
  return {
    sampled: ids.length,
    levels,
    ms: { sql: quantiles(ms.sql), widening: quantiles(ms.widening), division: quantiles(ms.division) },
    rows: {
      widening: Math.round(wideningRows / ids.length),
      division: Math.round(divisionRows / ids.length),
    },
    mismatches,
  };
}

// peerContext's formula at county level for every entity: rank() − 1 rows below, count over the
// (group, score) partition for ties, count over the group for its size.
const POPULATION_SQL = `
  CREATE TEMP TABLE bench_peer_percentile AS
  SELECT entity_id,
         ((rank() OVER w - 1) + (count(*) OVER t - 1) / 2.0::float8) / greatest(1, count(*) OVER g - 1) AS percentile
    FROM entity_risk
   WHERE region_code IS NOT NULL AND industry_code IS NOT NULL
  WINDOW g AS (PARTITION BY left(region_code, 6), upper(left(industry_code, 3))),
         w AS (g ORDER BY score),
         t AS (PARTITION BY left(region_code, 6), upper(left(industry_code, 3)), score)`;

async function measurePopulation(ds: DataSource, dfd: DanfoModule) {
  // A temp table lives on one connection: keep one for the statement and for reading it back.
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    const sqlSecs: number[] = [];
    for (let run = 0; run < 2; run++) {
      await qr.query('DROP TABLE IF EXISTS bench_peer_percentile');
      const t = process.hrtime.bigint();
      await qr.query(POPULATION_SQL);
      sqlSecs.push(seconds(t));
    }
    const sqlRows: { id: string; percentile: number }[] = await qr.query(
      `SELECT entity_id::text AS id, percentile FROM bench_peer_percentile`,
    );
    const bySql = new Map(sqlRows.map((r) => [r.id, r.percentile]));

    // Peak RSS of the danfo step: the kernel's high-water mark (VmHWM), reset to the current RSS first
    // (clear_refs 5, Linux ≥ 4.0) so an earlier peak (seeding) does not count.
    const before = memoryKb(process.pid);
    let hwmReset = true;
    try {
      writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      hwmReset = false;
    }
    let t = process.hrtime.bigint();
    const rows: PopulationRow[] = await ds.query(
      `SELECT entity_id::text AS entity_id, score::float8 AS score, region_code, industry_code
         FROM entity_risk WHERE region_code IS NOT NULL AND industry_code IS NOT NULL`,
    );
    const danfoReadSec = seconds(t);
    const danfo = danfoPopulation(dfd, rows);
    const after = memoryKb(process.pid);
    const peakRssMb = Math.round(Math.max((after?.hwm ?? 0) / 1024, ...danfo.rssCheckpointsMb));

    t = process.hrtime.bigint();
    const plain = plainPopulation(rows);
    const plainSec = seconds(t);

    const compare = (ids: string[], values: number[]): number => {
      let bad = ids.length === bySql.size ? 0 : Math.abs(ids.length - bySql.size);
      for (let i = 0; i < ids.length; i++) {
        const want = bySql.get(ids[i]);
        if (want !== undefined && Math.abs(want - values[i]) <= TOLERANCE) continue;
        if (bad++ < 5) console.log(`  MISMATCH population entity ${ids[i]}: SQL ${want} vs ${values[i]}`);
      }
      return bad;
    };
    return {
      rows: rows.length,
      groups: danfo.groups,
      distinctScores: danfo.distinctScores,
      sqlSecs,
      sqlSec: Math.min(...sqlSecs),
      danfoReadSec,
      danfoFrameSec: danfo.frameSec,
      danfoOpsSec: danfo.computeSec,
      danfoComputeSec: danfo.frameSec + danfo.computeSec,
      plainSec,
      peakRssMb,
      peakRssNote: hwmReset ? 'VmHWM reset before the read' : 'process VmHWM, could not be reset',
      rssBeforeMb: Math.round((before?.rss ?? 0) / 1024),
      mismatches: {
        danfo: compare(danfo.ids, danfo.percentiles),
        plain: compare(plain.ids, plain.percentiles),
      },
    };
  } finally {
    await qr.query('DROP TABLE IF EXISTS bench_peer_percentile').catch(() => undefined);
    await qr.release();
  }
}
