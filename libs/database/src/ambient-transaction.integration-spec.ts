import { afterCommit } from '@lianjian/common';
import { createTestDatabase, sql, type TestDatabase } from '@lianjian/testing';
import type { DataSource } from 'typeorm';
import { isPlainRead, runInRequestTransaction, withAmbientTransactions } from './ambient-transaction';
import { createDataSource } from './data-source';
import { returningRows } from './returning-rows';

// Request transactions against the real PostgreSQL: what repositories write through the DataSource
// inside runInRequestTransaction (plain statements, their own transactions, query runners they make)
// commits together or not at all, and side effects wait for the commit.
describe('request transactions (ambient)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = withAmbientTransactions(createDataSource(db.url, 4));
    await ds.initialize();
    await ds.query(`CREATE TABLE t (v text PRIMARY KEY)`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const values = async () => (await sql<{ v: string }>(db.url, `SELECT v FROM t ORDER BY v`)).map((r) => r.v);
  beforeEach(() => ds.query(`TRUNCATE t`));

  // The three ways repositories reach the database.
  const writeAll = async (p: string) => {
    await ds.query(`INSERT INTO t VALUES ($1)`, [`${p}-query`]);
    await ds.transaction((em) => em.query(`INSERT INTO t VALUES ($1)`, [`${p}-transaction`]));
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query(`INSERT INTO t VALUES ($1)`, [`${p}-runner`]);
      await qr.commitTransaction();
    } finally {
      await qr.release();
    }
  };

  it('commits every statement of the scope together, and side effects after the commit', async () => {
    const seen: string[][] = [];
    await runInRequestTransaction(async () => {
      await writeAll('a');
      await afterCommit(async () => {
        seen.push(await values());
      });
      // Not visible to anyone else before the commit.
      expect(await values()).toEqual([]);
    });
    expect(await values()).toEqual(['a-query', 'a-runner', 'a-transaction']);
    expect(seen).toEqual([['a-query', 'a-runner', 'a-transaction']]);
  });

  it('rolls back everything, and runs no side effect, when the scope throws', async () => {
    let ran = false;
    await expect(
      runInRequestTransaction(async () => {
        await writeAll('b');
        await afterCommit(async () => (ran = true));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await values()).toEqual([]);
    expect(ran).toBe(false);
  });

  it('makes a nested transaction a savepoint: one that fails is undone alone', async () => {
    await runInRequestTransaction(async () => {
      await ds.query(`INSERT INTO t VALUES ('kept')`);
      await expect(
        ds.transaction(async (em) => {
          await em.query(`INSERT INTO t VALUES ('undone')`);
          await em.query(`INSERT INTO t VALUES ('kept')`); // duplicate key
        }),
      ).rejects.toThrow(/duplicate key/);
      const rows = await returningRows<{ v: string }>(ds, `UPDATE t SET v = 'kept!' RETURNING v`, []);
      expect(rows).toEqual([{ v: 'kept!' }]);
    });
    expect(await values()).toEqual(['kept!']);
  });

  it('runs concurrent transactions of one scope one after the other on its connection', async () => {
    await runInRequestTransaction(async () => {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          ds.transaction(async (em) => {
            await em.query(`INSERT INTO t VALUES ($1)`, [`p${i}`]);
            // A transaction started inside one joins it.
            await ds.transaction((inner) => inner.query(`INSERT INTO t VALUES ($1)`, [`p${i}-inner`]));
          }),
        ),
      );
    });
    expect(await values()).toHaveLength(10);
  });

  it('holds no connection for plain reads until the scope writes', async () => {
    const openTransactions = async () =>
      (
        await sql<{ n: number }>(
          db.url,
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'idle in transaction'`,
        )
      )[0].n;
    await runInRequestTransaction(async () => {
      expect(await ds.query(`SELECT count(*)::int AS n FROM t`)).toEqual([{ n: 0 }]);
      expect(await openTransactions()).toBe(0);
      await ds.query(`SELECT v FROM t FOR UPDATE`); // a lock is held to the end: in the transaction
      expect(await openTransactions()).toBe(1);
      await ds.query(`INSERT INTO t VALUES ('w')`);
      expect(await ds.query(`SELECT v FROM t`)).toEqual([{ v: 'w' }]); // sees its own write
    });
    expect(await values()).toEqual(['w']);
  });

  it('tells plain reads from statements that lock or write', () => {
    expect(isPlainRead(`SELECT id, updated_at FROM entity WHERE uscc = $1`)).toBe(true);
    expect(isPlainRead(`  select 1`)).toBe(true);
    for (const q of [
      `SELECT 1 FROM t FOR UPDATE`,
      `SELECT 1 FROM t FOR NO KEY UPDATE SKIP LOCKED`,
      `SELECT pg_advisory_xact_lock(1)`,
      `SELECT nextval('s')`,
      `WITH x AS (DELETE FROM t RETURNING v) SELECT * FROM x`,
      `INSERT INTO t VALUES (1)`,
      `SET LOCAL work_mem = '1MB'`,
    ])
      expect(isPlainRead(q)).toBe(false);
  });

  it('leaves statements outside a scope in their own transactions', async () => {
    await ds.query(`INSERT INTO t VALUES ('alone')`);
    await expect(
      ds.transaction(async (em) => {
        await em.query(`INSERT INTO t VALUES ('rolled back')`);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await values()).toEqual(['alone']);
  });
});
