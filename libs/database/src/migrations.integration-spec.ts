import { createTestDatabase, sql, type TestDatabase } from '@lianjian/testing';
import { createDataSource, MIGRATIONS, runMigrations } from './data-source';

// Every migration can be undone and applied again: an operator rolling a release back gets the schema
// before it, not an error halfway.
describe('migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(); // cloned from the template, every migration applied
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('undo one by one down to an empty schema, then apply again to the same tables', async () => {
    const tables = async () =>
      (
        await sql<{ t: string }>(
          db.url,
          `SELECT table_name AS t FROM information_schema.tables
            WHERE table_schema = 'public' AND table_name <> 'schema_migration' ORDER BY 1`,
        )
      ).map((r) => r.t);
    const before = await tables();
    expect(before).toEqual(
      expect.arrayContaining(['record', 'score', 'score_run', 'scoring_model', 'alert']),
    );

    const ds = createDataSource(db.url, 1);
    await ds.initialize();
    try {
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    expect(await tables()).toEqual([]);

    expect(await runMigrations(db.url)).toHaveLength(MIGRATIONS.length);
    expect(await tables()).toEqual(before);
  });
});
