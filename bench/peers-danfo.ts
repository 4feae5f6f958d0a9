import type { DataSource } from 'typeorm';
// Types only (erased at compile time). danfojs 1.2 declares its types solely under package.json
// "exports", which our `moduleResolution: node10` does not read, so `import … from 'danfojs'` finds no
// declarations; the deep path resolves to the same .d.ts the export points at. It cannot be required at
// run time (that subpath is not exported), hence the plain require in loadDanfo().
import type * as Danfo from 'danfojs/dist/danfojs-browser/src';

// The danfo.js side of `npm run bench:peers`: the peer percentile of peers.ts computed with
// danfo DataFrames, on demand for one entity and for the whole population.
//
// danfo 1.2 traps found while writing this (all O(n²) in plain JS inside the library), so the
// formulation below avoids them rather than measuring them:
// - DataFrame.loc({ columns }) and DataFrame.sortValues call index.indexOf once per row;
// - Groupby aggregations rebuild their result by copying the accumulated arrays once per group, so a
//   groupby over (county, division, score) — hundreds of thousands of groups at 1M rows — never ends;
//   only groupbys with few groups (one per county × division) are used;
// - Series.valueCounts() parses its labels with parseInt, so tie keys must be positive integers.

export type DanfoModule = typeof Danfo;
export type PeerLevel = 'county' | 'city' | 'province' | 'all';

// What ScoreRepository.peerContext returns.
export interface PeerContext {
  level: PeerLevel;
  region: string | null;
  industry: string;
  size: number;
  percentile: number;
  higher: number;
}

export interface PopulationResult {
  ids: string[];
  percentiles: number[];
  groups: number; // county × division groups
  distinctScores: number; // (group, score) pairs
  frameSec: number; // DataFrame built from the rows PostgreSQL returned
  computeSec: number; // the danfo operations after that
  rssCheckpointsMb: number[]; // resident memory after each step (the compute is synchronous)
}

// Loads danfojs (with TensorFlow.js, which it pulls in) and says how long that took: ~1 s here.
export function loadDanfo(): { dfd: DanfoModule; ms: number } {
  const t = process.hrtime.bigint();
  // The package's "exports" map sends Node's require to its CommonJS build (dist/danfojs-browser,
  // despite the name); danfojs-node, the variant with native TensorFlow, does not install here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dfd = require('danfojs') as DanfoModule;
  return { dfd, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

interface Me {
  score: number;
  region: string | null;
  industry: string | null;
}

// The entity's own row, as peerContext reads it.
async function loadMe(ds: DataSource, entityId: string): Promise<Me | undefined> {
  const [me] = await ds.query(
    `SELECT score::float8 AS score, region_code AS region, upper(left(industry_code, 3)) AS industry
       FROM entity_risk WHERE entity_id = $1`,
    [entityId],
  );
  return me;
}

// peerContext's widening steps for an entity.
function stepsFor(me: Me): { level: PeerLevel; prefix: string | null }[] {
  return [
    ...(me.region
      ? [
          { level: 'county' as const, prefix: me.region.slice(0, 6) },
          { level: 'city' as const, prefix: me.region.slice(0, 4) },
          { level: 'province' as const, prefix: me.region.slice(0, 2) },
        ]
      : []),
    { level: 'all', prefix: null },
  ];
}

function context(
  step: { level: PeerLevel; prefix: string | null },
  industry: string,
  c: { size: number; lower: number; equal: number; higher: number },
): PeerContext {
  return {
    level: step.level,
    region: step.prefix,
    industry,
    size: c.size,
    // The same formula and rounding as peerContext.
    percentile: Math.round(((c.lower + (c.equal - 1) / 2) / Math.max(1, c.size - 1)) * 1000) / 1000,
    higher: c.higher,
  };
}

// On demand, widening load: for each step, the peer rows of that step (county, then city, … × the
// division) are loaded into a DataFrame and counted there. The least a dataframe has to read for one
// entity: usually the county step suffices (a few hundred rows through the region index).
export async function danfoPeerContextWidening(
  dfd: DanfoModule,
  ds: DataSource,
  entityId: string,
  minPeers = 30,
): Promise<PeerContext | undefined> {
  const me = await loadMe(ds, entityId);
  if (!me || !me.industry) return undefined;
  for (const step of stepsFor(me)) {
    const rows: { score: number }[] = await ds.query(
      `SELECT score::float8 AS score FROM entity_risk
        WHERE ($1::text IS NULL OR region_code LIKE $1 || '%') AND upper(left(industry_code, 3)) = $2`,
      [step.prefix, me.industry],
    );
    let c = { size: 0, lower: 0, equal: 0, higher: 0 };
    if (rows.length) {
      const score = new dfd.DataFrame(rows, { dtypes: ['float32'] }).column('score');
      c = {
        size: score.count(),
        lower: score.lt(me.score).sum(),
        equal: score.eq(me.score).sum(),
        higher: score.gt(me.score).sum(),
      };
    }
    if (c.size >= minPeers || step.level === 'all') return context(step, me.industry, c);
  }
  return undefined;
}

// On demand, division load: every row of the entity's industry division (any region) in one query;
// the widening is done in the DataFrame with boolean masks. Reads far more rows (a seq scan: there is
// no index on the division), but never goes back to PostgreSQL.
export async function danfoPeerContextDivision(
  dfd: DanfoModule,
  ds: DataSource,
  entityId: string,
  minPeers = 30,
): Promise<PeerContext | undefined> {
  const me = await loadMe(ds, entityId);
  if (!me || !me.industry) return undefined;
  // coalesce: a row without a region matches no prefix (as LIKE does) but counts at level 'all'.
  const rows: { score: number; region: string }[] = await ds.query(
    `SELECT score::float8 AS score, coalesce(region_code, '') AS region FROM entity_risk
      WHERE upper(left(industry_code, 3)) = $1`,
    [me.industry],
  );
  const df = new dfd.DataFrame(rows, { dtypes: ['float32', 'string'] });
  const score = df.column('score');
  const lt = score.lt(me.score);
  const eq = score.eq(me.score);
  const gt = score.gt(me.score);
  for (const step of stepsFor(me)) {
    let c: { size: number; lower: number; equal: number; higher: number };
    if (step.prefix === null) c = { size: score.count(), lower: lt.sum(), equal: eq.sum(), higher: gt.sum() };
    else {
      const inRegion = df.column('region').str.startsWith(step.prefix);
      c = {
        size: inRegion.sum(),
        lower: inRegion.and(lt).sum(),
        equal: inRegion.and(eq).sum(),
        higher: inRegion.and(gt).sum(),
      };
    }
    if (c.size >= minPeers || step.level === 'all') return context(step, me.industry, c);
  }
  return undefined;
}

export interface PopulationRow {
  entity_id: string;
  score: number;
  region_code: string;
  industry_code: string;
}

// Every entity's county-level percentile, (lower + (equal − 1)/2) / max(1, size − 1) within its
// county × division, with danfo operations only:
//   1. county and division columns (str.slice, str.toUpperCase);
//   2. group sizes: groupby([county, division]).count() — one group per county × division;
//   3. merged back onto the rows (merge, how 'left': a hash join), with a group number;
//   4. ties: an integer key per (group, score), counted with valueCounts();
//   5. rows below: the tie counts sorted by key (sortIndex), cumSum() over all groups, minus the
//      cumulative count at the group's first score (groupby([gid]).min(), merged back);
//   6. merged onto the rows by key, and the formula as Series arithmetic.
export function danfoPopulation(dfd: DanfoModule, rows: PopulationRow[]): PopulationResult {
  const rss: number[] = [];
  const mark = () => rss.push(Math.round(process.memoryUsage().rss / 1048576));
  const t0 = process.hrtime.bigint();
  const df = new dfd.DataFrame(rows, { dtypes: ['string', 'float32', 'string', 'string'] });
  const t1 = process.hrtime.bigint();
  mark();

  df.addColumn('county', df.column('region_code').str.slice(0, 6), { inplace: true });
  df.addColumn('division', df.column('industry_code').str.slice(0, 3).str.toUpperCase(), { inplace: true });
  mark();

  const sizes = df.groupby(['county', 'division']).col(['score']).count(); // county, division, score_count
  const groups = sizes.shape[0];
  sizes.addColumn(
    'gid',
    Array.from({ length: groups }, (_, i) => i + 1),
    { inplace: true },
  );
  const sized = dfd.merge({ left: df, right: sizes, on: ['county', 'division'], how: 'left' });
  mark();

  // Tie key gid × span + score in cents: exact integers (scores are numeric(7,2)), ≥ 1.
  const cents = sized.column('score').mul(100).round(0);
  const minCents = cents.min();
  const span = cents.max() - minCents + 1;
  sized.addColumn('t', sized.column('gid').mul(span).add(cents.sub(minCents)), { inplace: true });
  const counts = sized.column('t').valueCounts(); // index: tie key, values: rows with that score
  const ties = new dfd.DataFrame(
    { equal: counts.values },
    { index: counts.index },
  ).sortIndex() as Danfo.DataFrame;
  ties.addColumn('t', ties.index as number[], { inplace: true });
  ties.addColumn('gid', ties.column('t').div(span).apply(Math.floor), { inplace: true });
  // Rows with a lower key (any group) = inclusive running count − own count.
  ties.addColumn('before', ties.column('equal').cumSum().sub(ties.column('equal')), { inplace: true });
  const starts = ties.groupby(['gid']).col(['before']).min(); // gid, before_min
  const tiesAt = dfd.merge({ left: ties, right: starts, on: ['gid'], how: 'left' });
  tiesAt.addColumn('lower', tiesAt.column('before').sub(tiesAt.column('before_min')), { inplace: true });
  mark();

  const out = dfd.merge({
    left: sized.iloc({ columns: ['entity_id', 't', 'score_count'].map((c) => sized.columns.indexOf(c)) }),
    right: tiesAt.iloc({ columns: ['t', 'lower', 'equal'].map((c) => tiesAt.columns.indexOf(c)) }),
    on: ['t'],
    how: 'left',
  });
  const percentile = out
    .column('equal')
    .sub(1)
    .div(2)
    .add(out.column('lower'))
    .div(out.column('score_count').sub(1).maximum(1));
  const t2 = process.hrtime.bigint();
  mark();
  return {
    ids: out.column('entity_id').values as string[],
    percentiles: percentile.values as number[],
    groups,
    distinctScores: ties.shape[0],
    frameSec: Number(t1 - t0) / 1e9,
    computeSec: Number(t2 - t1) / 1e9,
    rssCheckpointsMb: rss,
  };
}

// The same percentiles in plain JavaScript (a Map of groups, one sort per group), for reference only:
// how much of danfo's time is the library rather than the work.
export function plainPopulation(rows: PopulationRow[]): {
  ids: string[];
  percentiles: number[];
  sec: number;
} {
  const t0 = process.hrtime.bigint();
  const groups = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const key = `${r.region_code.slice(0, 6)}|${r.industry_code.slice(0, 3).toUpperCase()}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const percentiles = new Array<number>(rows.length);
  for (const g of groups.values()) {
    g.sort((a, b) => rows[a].score - rows[b].score);
    for (let i = 0; i < g.length;) {
      let j = i;
      while (j < g.length && rows[g[j]].score === rows[g[i]].score) j++;
      const p = (i + (j - i - 1) / 2) / Math.max(1, g.length - 1);
      for (let k = i; k < j; k++) percentiles[g[k]] = p;
      i = j;
    }
  }
  return {
    ids: rows.map((r) => r.entity_id),
    percentiles,
    sec: Number(process.hrtime.bigint() - t0) / 1e9,
  };
}
