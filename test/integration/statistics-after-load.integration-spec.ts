import { randomUUID } from 'node:crypto';
import { copyLine, todayInShanghai } from '@lianjian/common';
import type { CanonicalRecord } from '@lianjian/domain';
import {
  AuditRepository,
  BatchRepository,
  createDataSource,
  DepartmentRepository,
  EntityRepository,
  FileBatchRepository,
  RELATED_PARTY_FLAG,
  ScoreRepository,
  ScoreRunRepository,
  type ScoreToSave,
  staleTables,
} from '@lianjian/database';
import { FILE_ROW_COLUMNS, toStagedItem } from '@lianjian/ingestion';
import { seedProvince } from '@lianjian/seed';
import { createTestDatabase, kindRecord, USCC_A, USCC_B, type TestDatabase } from '@lianjian/testing';
import type { DataSource } from 'typeorm';

// A bulk load leaves the planner statistics of what it loaded fresh (issue 13: the first scoring run
// after a seeded 100,000-entity province took 653 s, a plan made on no statistics). Autovacuum is
// off for these tables (set here), so only the product itself can have analyzed them; tables smaller
// than ANALYZE's sample get their exact row count in pg_class.reltuples (-1: never analyzed).
describe('planner statistics after bulk loads', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const LOADED = ['entity', 'record', 'record_version'];

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, 4);
    await ds.initialize();
    for (const t of LOADED) await ds.query(`ALTER TABLE ${t} SET (autovacuum_enabled = false)`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  // Rows the statistics describe against rows the table has.
  const stats = async (table: string) => {
    const [{ est, n }] = await ds.query(
      `SELECT (SELECT reltuples::float8 FROM pg_class WHERE oid = $1::regclass) AS est,
              (SELECT count(*)::int FROM ${table}) AS n`,
      [table],
    );
    return { est, n };
  };

  it('seeding a province analyzes the entities and records it wrote', async () => {
    expect((await stats('record')).est).toBe(-1);
    await seedProvince(ds, { entities: 300, seed: 7, end: todayInShanghai(), years: 2 });
    for (const t of ['entity', 'record']) {
      const { est, n } = await stats(t);
      expect(n).toBeGreaterThan(250);
      expect(est).toBe(n);
    }
    expect(await staleTables(ds, LOADED)).toEqual([]);
  }, 120_000);

  // The per-candidate lookups (written so that no plan can make them quadratic) count what the plain
  // join counts, from the profiles and from a run's snapshot.
  it('counts related parties per candidate as a plain join does', async () => {
    await ds.query(
      `INSERT INTO profile (entity_id, as_of, features, computed_at)
       SELECT id, current_date, json_build_object('on_serious_violation_list', (id % 3 = 0)::int), now() FROM entity`,
    );
    const run = '00000000-0000-4000-8000-0000000000f1';
    await new ScoreRunRepository(ds).create({
      id: run,
      trigger: 'manual',
      asOf: todayInShanghai(),
      modelVersion: 'scorecard-v1',
      chunkSize: 500,
      flag: { severePenaltyTypes: ['license_revocation', 'closure'], longWindowMonths: 36 },
    });
    // More flagged entities than 300 seeded ones give on their own, so that addresses are shared too.
    await ds.query(
      `INSERT INTO score_run_flagged (run_id, entity_id) SELECT $1, id FROM entity WHERE id % 2 = 0
       ON CONFLICT DO NOTHING`,
      [run],
    );
    const reference = async (flagged: string, params: unknown[]) => {
      const rows: { id: string; rep: number; addr: number; repN: number; addrN: number }[] = await ds.query(
        `SELECT me.id::text AS id,
                (SELECT count(*)::int FROM entity o WHERE o.legal_rep_id_number = me.legal_rep_id_number
                    AND o.id <> me.id AND ${flagged}) AS rep,
                (SELECT count(*)::int FROM entity o WHERE o.address = me.address AND o.id <> me.id AND ${flagged}) AS addr,
                (SELECT count(*)::int FROM entity o WHERE o.legal_rep_id_number = me.legal_rep_id_number
                    AND o.id <> me.id) AS "repN",
                (SELECT count(*)::int FROM entity o WHERE o.address = me.address AND o.id <> me.id) AS "addrN"
           FROM entity me ORDER BY me.id`,
        params,
      );
      return new Map(
        rows.map((r) => [
          r.id,
          {
            sameLegalRepFlagged: r.rep,
            sameAddressFlagged: r.addr,
            sameLegalRepEntities: r.repN,
            sameAddressEntities: r.addrN,
          },
        ]),
      );
    };
    const ids = [...(await reference('false', [])).keys()];
    const entities = new EntityRepository(ds);
    const fromProfiles = await reference(
      `EXISTS (SELECT 1 FROM profile p WHERE p.entity_id = o.id AND (${RELATED_PARTY_FLAG}))`,
      [],
    );
    const fromRun = await reference(
      `EXISTS (SELECT 1 FROM score_run_flagged f WHERE f.run_id = $1 AND f.entity_id = o.id)`,
      [run],
    );
    expect(await entities.relatedPartySignals(ids)).toEqual(fromProfiles);
    expect(await entities.relatedPartySignals(ids, run)).toEqual(fromRun);
    // Not vacuous: entities do share representatives and addresses with flagged ones.
    for (const m of [fromProfiles, fromRun]) {
      expect([...m.values()].filter((v) => v.sameLegalRepFlagged > 0).length).toBeGreaterThan(0);
      expect([...m.values()].filter((v) => v.sameAddressFlagged > 0).length).toBeGreaterThan(0);
      // …and share them with more entities than the flagged ones
      expect([...m.values()].some((v) => v.sameAddressEntities > v.sameAddressFlagged)).toBe(true);
    }
  });

  // The same lookups planned on no statistics at all (as right after a load, before anything is
  // analyzed): each candidate's flag is probed once, never the run's whole snapshot per entity of the
  // chunk (the plan a join got: every flagged entity read for every entity, twice). Counted with
  // this session's own table counters (pg_stat_get_xact_*), which no other session moves.
  it('reads the run snapshot once per candidate even when planned on no statistics', async () => {
    const run = '00000000-0000-4000-8000-0000000000f1';
    // A province's worth of entities sharing representatives and addresses in pairs and threes,
    // half of them flagged in the run's snapshot: a plan that reads the snapshot per entity of the
    // chunk reads thousands of rows for each.
    await ds.query(
      `WITH e AS (
         INSERT INTO entity (ext_scheme, ext_id, legal_rep_id_number, address)
         SELECT 'stats', g::text, 'rep-' || (g / 2), 'addr-' || (g / 3) FROM generate_series(1, 20000) g
         RETURNING id)
       INSERT INTO score_run_flagged (run_id, entity_id) SELECT $1, id FROM e WHERE id % 2 = 0
       ON CONFLICT DO NOTHING`,
      [run],
    );
    const tables = `('entity'::regclass, 'score_run_flagged'::regclass)`;
    await ds.query(`DELETE FROM pg_statistic WHERE starelid IN ${tables}`);
    await ds.query(`UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid IN ${tables}`);
    const ids: string[] = (
      await ds.query(`SELECT id::text AS id FROM entity WHERE ext_scheme = 'stats' ORDER BY id LIMIT 100`)
    ).map((r: { id: string }) => r.id);
    // Candidates: the other entities sharing the representative, and those sharing the address.
    const [{ candidates, flagged }] = await ds.query(
      `SELECT count(*)::int AS candidates, count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM score_run_flagged f WHERE f.run_id = $2 AND f.entity_id = o.id))::int AS flagged
         FROM entity me CROSS JOIN LATERAL (VALUES ('rep'), ('addr')) AS c(k)
         JOIN entity o ON o.id <> me.id AND CASE c.k WHEN 'rep' THEN o.legal_rep_id_number = me.legal_rep_id_number
                                                               ELSE o.address = me.address END
        WHERE me.id = ANY($1::bigint[])`,
      [ids, run],
    );
    expect(flagged).toBeGreaterThan(0);
    const read = await ds.transaction(async (em) => {
      // This session's counters of the snapshot (PostgreSQL 15 keeps unpublished counts of earlier
      // transactions in them too, hence before and after).
      const counted = async () =>
        (
          await em.query(
            `SELECT (pg_stat_get_xact_tuples_returned('score_run_flagged'::regclass)
                     + pg_stat_get_xact_tuples_returned('score_run_flagged_pkey'::regclass))::int AS n`,
          )
        )[0].n as number;
      // The repository on this transaction's connection, so that its reads are counted here.
      const onEm = { query: em.query.bind(em), transaction: (fn: (m: typeof em) => unknown) => fn(em) };
      const before = await counted();
      await new EntityRepository(onEm as unknown as DataSource).relatedPartySignals(ids, run);
      return (await counted()) - before;
    });
    expect(read).toBeLessThanOrEqual(candidates);
  });

  // Saving a chunk's scores looks up the current ones per entity, also planned on no statistics (a
  // plan that hashes the chunk scans all of entity_risk for every chunk saved).
  it('saves scores looking up current ones per entity even when planned on no statistics', async () => {
    await ds.query(
      `WITH s AS (
         INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, class_before_floors,
                            risk_class, factors, inputs_hash, trigger)
         SELECT id, 'scorecard-v1', current_date, 500, 500, 500, 'B', 'B', '[]', 'before', 'record'
           FROM entity WHERE ext_scheme = 'stats' RETURNING id, entity_id)
       INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, top_factors, scored_at)
       SELECT entity_id, id, 500, 'B', 'scorecard-v1', '[]', now() FROM s`,
    );
    const tables = `('entity_risk'::regclass, 'score'::regclass, 'profile'::regclass)`;
    await ds.query(`DELETE FROM pg_statistic WHERE starelid IN ${tables}`);
    await ds.query(`UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid IN ${tables}`);
    const chunk: ScoreToSave[] = (
      await ds.query(`SELECT id::text AS id FROM entity WHERE ext_scheme = 'stats' ORDER BY id LIMIT 100`)
    ).map((r: { id: string }) => ({
      entityId: r.id,
      modelVersion: 'scorecard-v1',
      asOf: todayInShanghai(),
      score: 610,
      basePoints: 500,
      rawScore: 610,
      floorLift: 0,
      classBeforeFloors: 'C',
      riskClass: 'C',
      factors: [],
      floors: [],
      topFactors: [],
      features: {},
      inputsHash: 'after',
      trigger: 'record',
      regionCode: null,
      industryCode: null,
    }));
    const { read, saved } = await ds.transaction(async (em) => {
      const counted = async () =>
        (
          await em.query(
            `SELECT (pg_stat_get_xact_tuples_returned('entity_risk'::regclass)
                     + pg_stat_get_xact_tuples_returned('entity_risk_pkey'::regclass))::int AS n`,
          )
        )[0].n as number;
      const onEm = { query: em.query.bind(em), transaction: (fn: (m: typeof em) => unknown) => fn(em) };
      const before = await counted();
      const saved = await new ScoreRepository(onEm as unknown as DataSource).saveMany(chunk);
      return { read: (await counted()) - before, saved };
    });
    expect(saved.map((s) => s.previousClass)).toEqual(chunk.map(() => 'B'));
    // The current score of each (and the upsert's own check of each): a few rows per entity.
    expect(read).toBeLessThanOrEqual(chunk.length * 3);
  });

  const items = (n: number, uscc: string, prefix: string) =>
    Array.from({ length: n }, (_, i) =>
      toStagedItem(
        i,
        kindRecord('complaint', uscc, `${prefix}-${i}`, '2025-06-01') as unknown as CanonicalRecord,
        '2025-06-01',
      ),
    );

  it('a bulk batch that adds a large part of the records leaves them analyzed', async () => {
    await new DepartmentRepository(ds).upsertMany([
      {
        code: '330106-SAMR',
        name: '西湖区市场监督管理局',
        nameEn: 'Xihu District AMR',
        domains: ['market'],
        regionCode: '330106',
        level: 'county',
      },
    ]);
    const before = await stats('record');
    await new BatchRepository(ds).applyBulk(
      { id: randomUUID(), source: 'stats-complaints', origin: 'seed' },
      items(Math.max(3000, before.n), USCC_A, 'bulk'),
    );
    const after = await stats('record');
    expect(after.n).toBeGreaterThan(before.n * 1.9);
    expect(after.est).toBe(after.n);
  });

  it('a file batch that adds a large part of the records leaves them analyzed', async () => {
    const before = await stats('record');
    const fileId = randomUUID();
    const batchId = randomUUID();
    const files = new FileBatchRepository(ds, new BatchRepository(ds), new AuditRepository(ds));
    await files.createFileBatch(
      {
        id: fileId,
        source: 'stats-file',
        contentHash: randomUUID(),
        sizeBytes: 1,
        originalName: 'complaints.csv',
        mediaType: 'text/csv',
        storedPath: '/nonexistent/complaints.csv',
      },
      { id: batchId, profileVersion: 1 },
    );
    const rows = items(before.n, USCC_B, 'file');
    const text = rows
      .map((r, i) =>
        copyLine([
          i,
          i + 2,
          null,
          `row ${i}`,
          null,
          r.sourceRecordId,
          r.kind,
          r.uscc,
          null,
          null,
          r.departmentCode,
          r.occurredOn,
          JSON.stringify(r.data),
          r.contentHash,
        ]),
      )
      .join('');
    await files.apply(
      batchId,
      'stats-file',
      {
        columns: FILE_ROW_COLUMNS,
        chunks: (async function* () {
          yield { text, rows: rows.length };
        })(),
      },
      { rowsRead: rows.length },
    );
    const after = await stats('record');
    expect(after.n).toBe(before.n * 2);
    expect(after.est).toBe(after.n);
  });

  it('a small batch leaves statistics that still fit alone (nothing is stale)', async () => {
    const before = await stats('record');
    expect(before.est).toBe(before.n);
    await new BatchRepository(ds).applyBulk(
      { id: randomUUID(), source: 'stats-complaints', origin: 'seed' },
      items(20, USCC_A, 'small'),
    );
    const after = await stats('record');
    expect(after.n).toBe(before.n + 20);
    expect(after.est).toBe(before.n);
    expect(await staleTables(ds, LOADED)).toEqual([]);
  });
});
