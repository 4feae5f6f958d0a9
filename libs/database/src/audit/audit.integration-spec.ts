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
  let ds: ReturnType<typeof createDataSource>;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, 4);
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
    const v = await audit.verify({ full: true, pageSize: 3 }); // pages of 3: the chain is carried across pages
    expect(v).toMatchObject({ ok: true, entries: 9, headSeq: 9, problems: [] });
  });

  it('refuses UPDATE and DELETE', async () => {
    await expect(sql(db.url, `UPDATE audit_log SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql(db.url, `DELETE FROM audit_log WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });

  it('holds no lock while an appended entry waits for its transaction to commit', async () => {
    // An entry appended in a write's transaction that is still open: no advisory lock is held, so
    // every other write can append meanwhile (issue 13, finding 11).
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      await audit.append({ actor: 'slow.writer', action: 'case.open', result: 'ok' }, qr.manager);
      const [{ n }] = await sql<{ n: number }>(
        db.url,
        // Only this suite's database: suites running alongside (score runs, migrations) hold their own.
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(n).toBe(0);
      await audit.append({ actor: 'other.writer', action: 'case.open', result: 'ok' });
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
    const actors = (await audit.list({ limit: 5 })).map((e) => e.actor);
    expect(actors).toContain('other.writer');
    expect(actors).not.toContain('slow.writer');
    expect((await audit.verify({ full: true })).ok).toBe(true);
  });

  it('verifies from the last checkpoint; the full verification still finds what lies before it', async () => {
    const appendSome = (n: number, who: string) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          audit.append({ actor: `${who}.${i}`, action: 'x', result: 'ok' }),
        ),
      );
    await appendSome(4, 'before');
    const first = await audit.verify({ full: true });
    expect(first).toMatchObject({ ok: true, mode: 'full', from: 0 });
    const checkpoint = first.headSeq;

    // Only what came after the checkpoint is hashed again.
    await appendSome(3, 'after');
    const next = await audit.verify();
    expect(next).toMatchObject({ ok: true, mode: 'incremental', from: checkpoint, entries: 3 });
    expect(next.headSeq).toBe(checkpoint + 3);

    // Tampered before the checkpoint: the incremental verification does not look there, the full one does.
    await sql(db.url, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    try {
      const [{ actor }] = await sql<{ actor: string }>(db.url, `SELECT actor FROM audit_log WHERE seq = $1`, [
        checkpoint - 1,
      ]);
      await sql(db.url, `UPDATE audit_log SET actor = 'someone else' WHERE seq = $1`, [checkpoint - 1]);
      expect((await audit.verify()).ok).toBe(true);
      const full = await audit.verify({ full: true });
      expect(full.ok).toBe(false);
      expect(full.problems).toEqual([expect.objectContaining({ seq: checkpoint - 1, problem: 'edited' })]);
      await sql(db.url, `UPDATE audit_log SET actor = $2 WHERE seq = $1`, [checkpoint - 1, actor]);

      // Tampered after the checkpoint: the incremental verification finds it, and keeps finding it.
      const before = (await audit.verify()).headSeq;
      await appendSome(2, 'later');
      await sql(db.url, `UPDATE audit_log SET result = 'denied' WHERE seq = $1`, [before + 1]);
      for (let i = 0; i < 2; i++) {
        const v = await audit.verify();
        expect(v.ok).toBe(false);
        expect(v.problems).toEqual([expect.objectContaining({ seq: before + 1, problem: 'edited' })]);
      }
      await sql(db.url, `UPDATE audit_log SET result = 'ok' WHERE seq = $1`, [before + 1]);
      const intact = await audit.verify();
      expect(intact.ok).toBe(true);

      // The chain cut back to before the checkpoint: found without hashing the chain again.
      await sql(db.url, `DELETE FROM audit_log WHERE seq = $1`, [intact.headSeq]);
      const cut = await audit.verify();
      expect(cut.ok).toBe(false);
      expect(cut.problems).toEqual([expect.objectContaining({ seq: intact.headSeq, problem: 'missing' })]);
    } finally {
      await sql(db.url, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    }
  });

  it('detects an entry edited or deleted behind its back', async () => {
    await sql(db.url, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await sql(db.url, `UPDATE audit_log SET result = 'ok', actor = actor || ' (edited)' WHERE seq = 5`);
    let v = await audit.verify({ full: true });
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ seq: 5, problem: 'edited' })]);

    await sql(db.url, `DELETE FROM audit_log WHERE seq = 7`);
    v = await audit.verify({ full: true });
    expect(v.problems.map((p) => [p.seq, p.problem])).toEqual([
      [5, 'edited'],
      [7, 'missing'],
      [8, 'relinked'],
    ]);
    await sql(db.url, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
  });
});
