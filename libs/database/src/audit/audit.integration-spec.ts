import { createTestDatabase, sql, type TestDatabase } from '@lianjian/testing';
import { createDataSource } from '../data-source';
import { AuditRepository } from './audit.repository';

// The audit log against the real PostgreSQL: appends chain, the table refuses UPDATE and DELETE, and
// an entry edited or deleted anyway (the trigger switched off, as someone with the database's keys
// could) is found by verification, with its seq.
describe('audit log (hash-chained, append-only)', () => {
  let db: TestDatabase;
  let audit: AuditRepository;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const ds = createDataSource(db.url, 2);
    await ds.initialize();
    audit = new AuditRepository(ds);
    close = () => ds.destroy();
  });

  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('chains appended entries, including concurrent ones, and verifies them', async () => {
    await audit.append({
      actor: 'zhao.min',
      role: 'coordinator',
      source: '10.0.0.7',
      action: 'case.open',
      target: 'alert:42',
      result: 'ok',
      detail: { b: 1, a: [1, { y: 2, x: 1 }] },
    });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        audit.append({
          actor: `officer.${i}`,
          role: 'department_officer',
          action: 'entity.read',
          target: `entity:${i}`,
          result: i === 3 ? 'denied' : 'ok',
        }),
      ),
    );
    const v = await audit.verify(3); // pages of 3: the chain is carried across pages
    expect(v).toMatchObject({ ok: true, entries: 9, headSeq: 9, problems: [] });
  });

  it('refuses UPDATE and DELETE', async () => {
    await expect(sql(db.url, `UPDATE audit_log SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql(db.url, `DELETE FROM audit_log WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });

  it('detects an entry edited or deleted behind its back', async () => {
    await sql(db.url, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await sql(db.url, `UPDATE audit_log SET result = 'ok', actor = actor || ' (edited)' WHERE seq = 5`);
    let v = await audit.verify();
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ seq: 5, problem: 'edited' })]);

    await sql(db.url, `DELETE FROM audit_log WHERE seq = 7`);
    v = await audit.verify();
    expect(v.problems.map((p) => [p.seq, p.problem])).toEqual([
      [5, 'edited'],
      [7, 'missing'],
      [8, 'relinked'],
    ]);
    await sql(db.url, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
  });
});
