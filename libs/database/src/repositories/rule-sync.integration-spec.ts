import { createTestDatabase, sql, type TestDatabase } from '@lianjian/testing';
import { createDataSource } from '../data-source';
import { RuleRepository } from './rule.repository';

// Shipped rules (config/rules) are synced into the rule table at start: a new shipped version is
// published and supersedes the one before it; a published version with another definition is refused.
describe('RuleRepository.syncPublished', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('publishes a new shipped version and retires the one it supersedes', async () => {
    const ds = createDataSource(db.url, 2);
    await ds.initialize();
    try {
      const repo = new RuleRepository(ds);
      // Definitions are stored as given; a changed one (condition) has another hash.
      const v1 = { id: 'sync-test', version: 1, condition: 'a' };
      const v1Changed = { ...v1, condition: 'b' };
      const v2 = { id: 'sync-test', version: 2, condition: 'b' };
      expect(await repo.syncPublished([v1], 'config')).toEqual({ added: 1 });
      expect(await repo.syncPublished([v1], 'config')).toEqual({ added: 0 });
      await expect(repo.syncPublished([v1Changed], 'config')).rejects.toThrow(/new version/);
      expect(await repo.syncPublished([v2], 'config')).toEqual({
        added: 1,
      });
      const rows = await sql<{ version: number; status: string; retireReason: string | null }>(
        db.url,
        `SELECT version, status, retire_reason AS "retireReason" FROM rule WHERE id = 'sync-test' ORDER BY version`,
      );
      expect(rows).toEqual([
        { version: 1, status: 'retired', retireReason: 'superseded by shipped version 2' },
        { version: 2, status: 'published', retireReason: null },
      ]);
      expect((await repo.published()).filter((r) => r.id === 'sync-test').map((r) => r.version)).toEqual([2]);
    } finally {
      await ds.destroy();
    }
  });

  // Workers started together (a deployment, the scoring e2e's two workers) sync at the same moment:
  // the second waits for the first and finds its versions, instead of failing on the primary key and
  // stopping its process.
  it('lets processes that start together sync the same rules at once', async () => {
    const sources = [createDataSource(db.url, 1), createDataSource(db.url, 1), createDataSource(db.url, 1)];
    await Promise.all(sources.map((s) => s.initialize()));
    try {
      const defs = Array.from({ length: 20 }, (_, i) => ({ id: `together-${i}`, version: 1, condition: i }));
      const results = await Promise.all(
        sources.map((s) => new RuleRepository(s).syncPublished(defs, 'config')),
      );
      expect(results.map((r) => r.added).sort((a, b) => a - b)).toEqual([0, 0, 20]);
      const [{ n }] = await sql<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM rule WHERE id LIKE 'together-%'`,
      );
      expect(n).toBe(20);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
    }
  });
});
