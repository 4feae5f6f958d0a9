import { createTestDatabase, insertDepartments, type TestDatabase } from '@lianjian/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { AlertRepository } from './alert.repository';

// A department's inbox (待办推送) pages its deliveries newest alert first. Every page, followed by its
// cursor, is exactly that department's alerts in id order; and one page of a department that gets one
// alert in ten reads about one page of rows, not every delivery of the department (then sorted) nor
// ten alerts for each one shown (walking all alerts and probing each for a delivery).
describe('department inbox (AlertRepository.list by department)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let alerts: AlertRepository;
  const BUSY = '330106-SAMR'; // gets every alert
  const RARE = '330106-TAX'; // gets every tenth
  const OTHER = '330106-EEB'; // gets every third

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, 2);
    await ds.initialize();
    alerts = new AlertRepository(ds);
    await insertDepartments(db.url);
    await ds.query(
      `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
       VALUES ('inbox-test', 1, 'retired', '{}', 'h', 'config', 'config', now())`,
    );
    await ds.query(
      `INSERT INTO entity (id, ext_scheme, ext_id, name, region_code, provisional)
       SELECT n, 'test', n::text, 'e' || n, '330106', false FROM generate_series(1, 500) n`,
    );
    await ds.query(
      `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation, status)
       SELECT 'k' || n, 'inbox-test', 1, 1 + n % 500, 'joint_penalty', 'high', '{}', '{}',
              CASE WHEN n % 4 = 0 THEN 'closed' ELSE 'open' END
         FROM generate_series(1, 20000) n`,
    );
    // Deliveries: BUSY every alert, RARE every tenth (acknowledged when also a multiple of 3), OTHER every third.
    await ds.query(
      `INSERT INTO delivery (alert_id, department_code, channel, status, level, reason)
       SELECT a.id, d.code, 'inbox',
              CASE WHEN d.code = $2 AND a.id % 3 = 0 THEN 'acknowledged' ELSE 'delivered' END, 'county', '{}'
         FROM alert a JOIN department d
           ON d.code = $1 OR (d.code = $2 AND a.id % 10 = 0) OR (d.code = $3 AND a.id % 3 = 0)`,
      [BUSY, RARE, OTHER],
    );
    await ds.query(`ANALYZE alert; ANALYZE delivery; ANALYZE entity`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  async function expected(department: string, where = 'true'): Promise<string[]> {
    const rows: { id: string }[] = await ds.query(
      `SELECT a.id::text AS id FROM alert a
        WHERE EXISTS (SELECT 1 FROM delivery d WHERE d.alert_id = a.id AND d.department_code = $1 AND ${where})
        ORDER BY a.id DESC`,
      [department],
    );
    return rows.map((r) => r.id);
  }

  async function paged(f: Partial<Parameters<AlertRepository['list']>[0]>): Promise<string[]> {
    const out: string[] = [];
    let before: string | undefined;
    for (;;) {
      const rows = await alerts.list({ ...f, before, limit: 500 });
      out.push(...rows.map((r) => r.id));
      if (rows.length < 500) return out;
      before = rows[rows.length - 1].id;
    }
  }

  it.each([[BUSY], [RARE], [OTHER]])("pages %s's inbox: its alerts, newest first, each once", async (dep) => {
    const want = await expected(dep);
    expect(want.length).toBeGreaterThan(1000);
    expect(await paged({ department: dep })).toEqual(want);
    // An officer's own inbox (no department named: their own) is the same list.
    expect(await paged({ onlyDepartment: dep })).toEqual(want);
  });

  it("filters by the department's own delivery status and shows only its delivery", async () => {
    const want = await expected(RARE, `d.status = 'acknowledged'`);
    expect(want.length).toBeGreaterThan(100);
    expect(await paged({ department: RARE, deliveryStatus: 'acknowledged' })).toEqual(want);
    const rows = await alerts.list({ department: RARE, onlyDepartment: RARE, limit: 5 });
    for (const r of rows) expect(r.deliveries.map((d) => d.department)).toEqual([RARE]);
  });

  it('keeps the alert filters and another department seen only where it was also delivered', async () => {
    const open = await paged({ department: RARE, alertStatus: 'open' });
    const all = await expected(RARE);
    const openAll = new Set(
      ((await ds.query(`SELECT id::text AS id FROM alert WHERE status = 'open'`)) as { id: string }[]).map(
        (r) => r.id,
      ),
    );
    expect(open).toEqual(all.filter((id) => openAll.has(id)));
    // OTHER's inbox as an officer of RARE sees it: alerts delivered to both (multiples of 30).
    const both = await paged({ department: OTHER, onlyDepartment: RARE });
    expect(both.length).toBeGreaterThan(0);
    expect(both.every((id) => BigInt(id) % 30n === 0n)).toBe(true);
    expect(both).toEqual((await expected(OTHER)).filter((id) => BigInt(id) % 10n === 0n));
  });

  // Counts rows this session read of alert and delivery (and their indexes) while listing a page.
  async function rowsRead(
    f: Parameters<AlertRepository['list']>[0],
    tables = ['alert', 'delivery'],
  ): Promise<{ read: number; rows: number }> {
    return ds.transaction(async (em) => {
      const counted = async () =>
        (
          await em.query(
            `SELECT sum(pg_stat_get_xact_tuples_returned(c.oid) + pg_stat_get_xact_tuples_fetched(c.oid))::int AS n
               FROM pg_class c
              WHERE c.oid = ANY($1::regclass[])
                 OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY($1::regclass[]))`,
            [tables],
          )
        )[0].n as number;
      const onEm = { query: em.query.bind(em), transaction: (fn: (m: typeof em) => unknown) => fn(em) };
      const before = await counted();
      const page = await new AlertRepository(onEm as unknown as DataSource).list(f);
      return { read: (await counted()) - before, rows: page.length };
    });
  }

  // Right after alerts are raised in bulk the planner may have no statistics (autovacuum late or off):
  // it then guesses a department has a few dozen deliveries, and a page of 101 planned as "fetch them
  // all, build each row, sort" read and built every alert of the busiest department (bench:api at 1M:
  // inbox p95 5.6 s). Now the page's deliveries are chosen first and only they are joined and built
  // (such a plan may still read the department's deliveries whole: cheap next to building them).
  it('builds only the page, not every alert of the department, when planned on no statistics', async () => {
    const tables = `('alert'::regclass, 'delivery'::regclass)`;
    await ds.query(`DELETE FROM pg_statistic WHERE starelid IN ${tables}`);
    await ds.query(`UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid IN ${tables}`);
    try {
      for (const dep of [BUSY, RARE]) {
        const { read, rows } = await rowsRead({ department: dep, onlyDepartment: dep, limit: 101 }, [
          'alert',
        ]);
        expect(rows).toBe(101);
        expect(read).toBeLessThan(250);
      }
    } finally {
      await ds.query(`ANALYZE alert; ANALYZE delivery`);
    }
  });

  it('reads about one page of rows for a page of a department that gets few of the alerts', async () => {
    const read = await ds.transaction(async (em) => {
      // This session's own counters of the alert and delivery tables and their indexes (PostgreSQL 15
      // keeps unpublished counts of earlier transactions in them too, hence before and after).
      const counted = async () =>
        (
          await em.query(
            `SELECT sum(pg_stat_get_xact_tuples_returned(c.oid) + pg_stat_get_xact_tuples_fetched(c.oid))::int AS n
               FROM pg_class c
              WHERE c.oid IN ('alert'::regclass, 'delivery'::regclass)
                 OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ('alert'::regclass, 'delivery'::regclass))`,
          )
        )[0].n as number;
      const onEm = { query: em.query.bind(em), transaction: (fn: (m: typeof em) => unknown) => fn(em) };
      const repo = new AlertRepository(onEm as unknown as DataSource);
      const before = await counted();
      const page = await repo.list({ department: RARE, onlyDepartment: RARE, limit: 51 });
      expect(page).toHaveLength(51);
      return (await counted()) - before;
    });
    // 51 deliveries, their 51 alerts, and each alert's own delivery for the page's body: a few hundred
    // at most. Walking the alerts would read ~510 of them and probe as many; sorting the department's
    // deliveries would read all 2,000.
    expect(read).toBeLessThan(400);
  });
});
