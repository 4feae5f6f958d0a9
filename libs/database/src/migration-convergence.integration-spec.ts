import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { databaseUrl, runId, sql, withAdmin } from '@lianjian/testing';
import { MIGRATION_HISTORY, type MigrationHistoryState } from '../test/migration-history';
import { dataSourceOptions, MIGRATIONS, runMigrations } from './data-source';

// Four commits edited migrations that were already committed and one deleted a migration that had
// run: an install migrated before those changes has a schema a fresh one does not. Each historical
// migration set (fixtures written from git by scripts/snapshot-migration-history.js) is applied to
// a scratch database, upgraded with today's migrations, and its schema compared with a fresh
// install's, as pg_dump prints it.

const PG_DUMP = process.env.PG_DUMP ?? 'pg_dump';
const exec = promisify(execFile);

interface Scratch {
  url: string;
  drop(): Promise<void>;
}

// Named like the other test databases, so the run's global teardown drops any left behind.
async function emptyDatabase(): Promise<Scratch> {
  const name = `lianjian_t_${runId()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  return {
    url: databaseUrl(name),
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function migrateWith(url: string, state: MigrationHistoryState): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(url, 1), migrations: state.migrations });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

// pg_dump's output minus what differs between any two dumps of the same schema: its `--` comment
// lines (server and pg_dump versions) and the random key of the \restrict / \unrestrict lines.
async function schemaOf(url: string): Promise<string> {
  const { stdout } = await exec(PG_DUMP, ['--schema-only', '--dbname', url], { maxBuffer: 64 << 20 });
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('--') && !/^\\(un)?restrict /.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

// What an install recorded as run: today's migrations, and nothing the code no longer has.
async function recorded(url: string): Promise<string[]> {
  return (await sql<{ name: string }>(url, `SELECT name FROM schema_migration ORDER BY name`)).map(
    (r) => r.name,
  );
}
const TODAY = MIGRATIONS.map((m) => m.name).sort();

describe('an install migrated at any earlier commit converges on a fresh install', () => {
  const scratch: Scratch[] = [];
  let fresh: string;

  async function database(): Promise<string> {
    const db = await emptyDatabase();
    scratch.push(db);
    return db.url;
  }

  beforeAll(async () => {
    const url = await database();
    await runMigrations(url);
    fresh = await schemaOf(url);
  });

  afterAll(async () => {
    for (const db of scratch) await db.drop();
  });

  it('the fresh install has what the edits added', () => {
    expect(fresh).toContain('class_before_floors character(1) NOT NULL');
    expect(fresh).toContain('file_notices jsonb');
    expect(fresh).toContain('CREATE INDEX delivery_unacknowledged');
    expect(fresh).toContain('ADD CONSTRAINT score_entity_id_fkey');
    expect(fresh).not.toContain('record_entity_id_fkey');
  });

  it('the fixtures hold every state before a change to a committed migration', () => {
    expect(MIGRATION_HISTORY.map((s) => `${s.commit} ${s.change}`)).toEqual([
      '11afdde edits 1763800000000-domain-model-v1.ts',
      'bba8f2b edits 1763800000000-domain-model-v1.ts',
      '2370b39 edits 1763900000000-file-ingestion.ts',
      'ec49028 deletes 1764400000000-score-without-fks.ts',
      'bb02332 edits 1764500000000-rule-lifecycle.ts',
    ]);
  });

  it.each(MIGRATION_HISTORY.map((s) => [`${s.commit} (before ${s.before} ${s.change})`, s] as const))(
    'migrated at %s, then upgraded',
    async (_label, state) => {
      const url = await database();
      await migrateWith(url, state);
      await runMigrations(url);
      expect(await schemaOf(url)).toEqual(fresh);
      expect(await recorded(url)).toEqual(TODAY);
    },
  );

  // An install upgraded at each of those commits in turn carries all the differences at once, and
  // rows written at the first: the columns the upgrade moves keep their values.
  it('upgraded at each of those commits in turn, then to today, with its rows', async () => {
    const url = await database();
    const [first, ...later] = MIGRATION_HISTORY;
    await migrateWith(url, first);
    await sql(
      url,
      `WITH d AS (INSERT INTO department (code, name, region_code, level) VALUES ('330100-SAMR', 'x', '330100', 'city')),
            e AS (INSERT INTO entity (id, uscc) VALUES (1, '91330100MA2KXXXX1X')),
            s AS (INSERT INTO score (id, entity_id, model_version, as_of, score, risk_class, previous_class, factors,
                                     inputs_hash, trigger, computed_at)
                  VALUES (7, 1, 'scorecard-v1', '2026-11-01', 61.5, 'C', 'B', '[{"points":-3}]', 'h', 'batch',
                          '2026-11-02T03:04:05Z')),
            r AS (INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by,
                                    published_at)
                  VALUES ('r', 1, 'published', '{}', 'h', 'config', 'config', now()))
       SELECT 1`,
    );
    await sql(
      url,
      `WITH a AS (INSERT INTO alert (id, alert_key, rule_id, rule_version, entity_id, finding_type, severity, title,
                                     explanation)
                  VALUES (3, 'k', 'r', 1, 1, 'f', 'high', '{}', '{}'))
       INSERT INTO delivery (id, alert_id, department_code, channel, status, level, reason, created_at)
       VALUES (5, 3, '330100-SAMR', 'webhook', 'pending', 'city', '{}', '2026-11-03T00:00:00Z')`,
    );
    for (const state of later) await migrateWith(url, state);
    await runMigrations(url);
    expect(await schemaOf(url)).toEqual(fresh);
    expect(await recorded(url)).toEqual(TODAY);

    expect(
      await sql(
        url,
        `SELECT score::text, base_points::text, raw_score::text, floor_lift::text, class_before_floors, risk_class,
                previous_class, factors::text, floors::text, inputs_hash, trigger, computed_at, run_id
           FROM score`,
      ),
    ).toEqual([
      {
        score: '61.50',
        base_points: '61.50',
        raw_score: '61.50',
        floor_lift: '0.00',
        class_before_floors: 'C',
        risk_class: 'C',
        previous_class: 'B',
        factors: '[{"points": -3}]', // jsonb's text when it was converted to json
        floors: '[]',
        inputs_hash: 'h',
        trigger: 'batch',
        computed_at: new Date('2026-11-02T03:04:05Z'),
        run_id: null,
      },
    ]);
    // The webhook migration scheduled the pending delivery before its columns were moved.
    expect(
      await sql(
        url,
        `SELECT id, escalated_at, next_attempt_at, enqueued_at, attempt_started_at FROM delivery`,
      ),
    ).toEqual([
      {
        id: '5',
        escalated_at: null,
        next_attempt_at: new Date('2026-11-03T00:00:00Z'),
        enqueued_at: null,
        attempt_started_at: null,
      },
    ]);
  });
});
