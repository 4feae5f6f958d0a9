import { createTestDatabase, type TestDatabase } from '@lianjian/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { ScoreRepository } from './score.repository';
import { ScoreRunRepository } from './score-run.repository';

// The risk list's filters, written as left(code, n) equalities for the indexes of migration
// 1765900000000, select exactly what the prefix filters of the list always meant: every page of every
// filter, followed by its cursor, equals the same rows chosen with LIKE prefixes and ordered in SQL.
describe('risk list filters (ScoreRepository.riskList)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let scores: ScoreRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, 2);
    await ds.initialize();
    scores = new ScoreRepository(ds);
    // 600 entities over two provinces, three cities, counties of those, industries of several
    // lengths (and none), four classes; scores with ties so the entity id decides the order.
    await ds.query(
      `INSERT INTO entity (id, ext_scheme, ext_id, name, region_code, industry_code, provisional)
       SELECT n, 'test', n::text, 'e' || n,
              (ARRAY['330106', '330108', '330203', '320102', '330100'])[1 + n % 5],
              CASE WHEN n % 7 = 0 THEN NULL ELSE (ARRAY['H6210', 'H62', 'C2710', 'C27', 'I6510', 'H'])[1 + n % 6] END,
              false
         FROM generate_series(1, 600) n`,
    );
    await ds.query(
      `INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, class_before_floors,
                          risk_class, factors, inputs_hash, trigger)
       SELECT n, 'v1', '2026-01-01', (n * 37 % 50)::numeric / 2, 0, 0, 'A',
              (ARRAY['A', 'B', 'C', 'D'])[1 + n % 4], '[]', 'h', 'test'
         FROM generate_series(1, 600) n`,
    );
    await ds.query(
      `INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                                top_factors, scored_at)
       SELECT s.entity_id, s.id, s.score, s.risk_class, 'v1', e.region_code, e.industry_code, '[]', now()
         FROM score s JOIN entity e ON e.id = s.entity_id`,
    );
    // The order key of most rows (the rest were written without one and order by their score): every
    // fifth entity over 100 points, shown as 100 (the tie the clamp made), the others their score
    // within ±0.05 (the score is the key rounded to 0.1).
    await ds.query(
      `UPDATE entity_risk SET score = 100, rank_score = 100 + (entity_id * 13 % 997)::numeric / 8
        WHERE entity_id % 5 = 0`,
    );
    await ds.query(
      `UPDATE entity_risk SET rank_score = score + ((entity_id % 9) - 4)::numeric / 100
        WHERE entity_id % 5 IN (1, 2, 3)`,
    );
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  // The same filter with LIKE prefixes, all pages at once.
  // Ordered by the order key: rank_score, or the score where a row has none.
  async function expected(f: {
    region?: string;
    industry?: string;
    classes?: string[];
    minScore?: number;
  }): Promise<string[]> {
    const rows: { id: string }[] = await ds.query(
      `SELECT entity_id::text AS id FROM entity_risk
        WHERE ($1::text IS NULL OR region_code LIKE $1 || '%') AND ($2::text IS NULL OR industry_code LIKE $2 || '%')
          AND ($3::text[] IS NULL OR risk_class = ANY($3)) AND ($4::numeric IS NULL OR score >= $4)
        ORDER BY coalesce(rank_score, score) DESC, entity_id DESC`,
      [f.region ?? null, f.industry ?? null, f.classes ?? null, f.minScore ?? null],
    );
    return rows.map((r) => r.id);
  }

  // Every page of the list, following the cursor as the service does.
  async function paged(f: {
    region?: string;
    industry?: string;
    classes?: string[];
    minScore?: number;
  }): Promise<string[]> {
    const out: string[] = [];
    let after: { rank: number; entityId: string } | undefined;
    for (;;) {
      const rows = await scores.riskList({
        regionPrefix: f.region,
        industryPrefix: f.industry,
        classes: f.classes,
        minScore: f.minScore,
        after,
        limit: 17,
      });
      out.push(...rows.map((r) => r.entityId));
      if (rows.length < 17) return out;
      const last = rows[rows.length - 1];
      after = { rank: last.rankScore, entityId: last.entityId };
    }
  }

  it.each([
    [{}],
    [{ region: '33' }],
    [{ region: '3' }],
    [{ region: '3301' }],
    [{ region: '330' }],
    [{ region: '33010' }],
    [{ region: '330106' }],
    [{ region: '3301', classes: ['D'] }],
    [{ region: '33', classes: ['C', 'D'] }],
    [{ classes: ['A'] }],
    [{ industry: 'H' }],
    [{ industry: 'H62' }],
    [{ industry: 'H621' }],
    [{ industry: 'C2710' }],
    [{ region: '33', industry: 'H62' }],
    [{ region: '330106', industry: 'C27', classes: ['B'] }],
    [{ minScore: 12 }],
    [{ region: '3301', minScore: 20.5 }],
  ])('%j selects and orders what the prefix filter means', async (f) => {
    const want = await expected(f);
    expect(want.length).toBeGreaterThan(0);
    expect(await paged(f)).toEqual(want);
  });

  // No ties at the top (issue 15): the entities shown at 100 come in the order of their points, not of
  // their ids, and a page boundary inside them loses and repeats nothing.
  it('orders the entities shown at 100 by their uncapped points', async () => {
    const top = await scores.riskList({ limit: 40 });
    expect(top.every((r) => r.score === 100)).toBe(true);
    const ranks = top.map((r) => r.rankScore);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(ranks).size).toBeGreaterThan(0.95 * ranks.length);
    const page1 = await scores.riskList({ limit: 7 });
    const last = page1[page1.length - 1];
    const page2 = await scores.riskList({
      limit: 33,
      after: { rank: last.rankScore, entityId: last.entityId },
    });
    expect([...page1, ...page2].map((r) => r.entityId)).toEqual(top.map((r) => r.entityId));
  });

  // The list is planned on statistics of what a full run wrote (autovacuum may be off or late): the
  // chunk that finishes a run analyzes entity_risk before the run says done.
  it('a full run that finishes leaves entity_risk analyzed', async () => {
    const analyzed = async () =>
      (
        await ds.query(
          `SELECT last_analyze IS NOT NULL AS a FROM pg_stat_user_tables WHERE relname = 'entity_risk'`,
        )
      )[0].a as boolean;
    expect(await analyzed()).toBe(false);
    const runs = new ScoreRunRepository(ds);
    const id = '00000000-0000-4000-8000-000000000013';
    const { chunks } = await runs.create({
      id,
      trigger: 'manual',
      asOf: '2026-01-01',
      modelVersion: 'v1',
      chunkSize: 1000,
      flag: { severePenaltyTypes: [], longWindowMonths: 24 },
    });
    expect(chunks).toHaveLength(1);
    const res = await scores.saveRunChunk([], { runId: id, chunkNo: chunks[0].chunkNo });
    expect(res.runDone).toBe(true);
    expect(await analyzed()).toBe(true);
  });
});
