import type { MigrationInterface, QueryRunner } from 'typeorm';

// Five changes reached migrations after they had been committed, so an install migrated before
// each of them still has the schema as it was (TypeORM runs a migration once, by name):
// - acb166d (domain model v1): score lacked base_points, raw_score, floor_lift and
//   class_before_floors (before risk_class in a fresh install);
// - 88c9078 (domain model v1): record had foreign keys on entity_id and department_code;
// - 4def52b (file ingestion): ingest_batch lacked file_notices;
// - 7060f7a deleted ScoreWithoutFks1764400000000, which had dropped the foreign keys of score,
//   entity_risk and profile on the installs that ran it;
// - 3d098d9 (rule lifecycle): delivery lacked escalated_at (before the webhook columns) and the
//   delivery_unacknowledged index.
// Every step checks the catalogue first, so on a fresh install (or one migrated after all five)
// this migration changes nothing. Proven by migration-convergence.integration-spec.ts, which
// compares pg_dump of each historical state, upgraded, with a fresh install's.
export class ConvergeEditedMigrations1765100000000 implements MigrationInterface {
  name = 'ConvergeEditedMigrations1765100000000';

  async up(q: QueryRunner): Promise<void> {
    // acb166d. Scores written before it (if any) are explained as all base: no factor points, no
    // floor.
    if (!(await columnsOf(q, 'score')).includes('base_points')) {
      await q.query(`
        ALTER TABLE score
          ADD COLUMN base_points numeric(9, 2),
          ADD COLUMN raw_score numeric(9, 2),
          ADD COLUMN floor_lift numeric(7, 2) NOT NULL DEFAULT 0,
          ADD COLUMN class_before_floors char(1)`);
      await q.query(
        `UPDATE score SET base_points = score, raw_score = score, class_before_floors = risk_class`,
      );
      await q.query(`
        ALTER TABLE score
          ALTER COLUMN base_points SET NOT NULL,
          ALTER COLUMN raw_score SET NOT NULL,
          ALTER COLUMN class_before_floors SET NOT NULL`);
    }
    await orderColumns(q, 'score', [
      'id',
      'entity_id',
      'model_version',
      'as_of',
      'score',
      'base_points',
      'raw_score',
      'floor_lift',
      'class_before_floors',
      'risk_class',
      'previous_class',
      'factors',
      'floors',
      'inputs_hash',
      'trigger',
      'computed_at',
      'run_id',
    ]);

    // 88c9078.
    await q.query(`
      ALTER TABLE record
        DROP CONSTRAINT IF EXISTS record_entity_id_fkey,
        DROP CONSTRAINT IF EXISTS record_department_code_fkey`);

    // 4def52b. The column is last in a fresh install too.
    await q.query(`ALTER TABLE ingest_batch ADD COLUMN IF NOT EXISTS file_notices jsonb`);

    // 7060f7a. Entities are never deleted, so no row can lack its entity or score.
    for (const [table, column, refTable, refColumn] of [
      ['score', 'entity_id', 'entity', 'id'],
      ['profile', 'entity_id', 'entity', 'id'],
      ['entity_risk', 'entity_id', 'entity', 'id'],
      ['entity_risk', 'score_id', 'score', 'id'],
    ]) {
      const name = `${table}_${column}_fkey`;
      if (!(await hasConstraint(q, table, name))) {
        await q.query(
          `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${column}) REFERENCES ${refTable} (${refColumn})`,
        );
      }
    }
    // Its row would stop `migration:revert` there: the code no longer has that migration.
    const migrationsTable = q.dataSource.options.migrationsTableName ?? 'migrations';
    await q.query(`DELETE FROM "${migrationsTable}" WHERE name = 'ScoreWithoutFks1764400000000'`);

    // 3d098d9.
    await q.query(`ALTER TABLE delivery ADD COLUMN IF NOT EXISTS escalated_at timestamptz`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS delivery_unacknowledged ON delivery (created_at) WHERE acknowledged_at IS NULL AND escalated_at IS NULL`,
    );
    await orderColumns(q, 'delivery', [
      'id',
      'alert_id',
      'department_code',
      'channel',
      'status',
      'level',
      'reason',
      'attempts',
      'last_error',
      'delivered_at',
      'acknowledged_at',
      'created_at',
      'escalated_at',
      'next_attempt_at',
      'enqueued_at',
      'attempt_started_at',
    ]);
  }

  // Nothing to undo: this only brings older installs to the schema the migrations before it
  // describe, which their own downs remove.
  async down(): Promise<void> {}
}

async function columnsOf(q: QueryRunner, table: string): Promise<string[]> {
  const rows: Array<{ attname: string }> = await q.query(
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
      ORDER BY attnum`,
    [table],
  );
  return rows.map((r) => r.attname);
}

async function hasConstraint(q: QueryRunner, table: string, name: string): Promise<boolean> {
  const rows: unknown[] = await q.query(
    `SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
    [table, name],
  );
  return rows.length > 0;
}

interface Column {
  name: string;
  type: string;
  notnull: boolean;
  default: string | null;
}

interface Dependent {
  kind: 'foreign key' | 'constraint' | 'index' | 'trigger' | 'other';
  table: string;
  name: string;
  definition: string;
}

// A column added by a later ALTER TABLE lands after the columns other migrations added meanwhile,
// and PostgreSQL cannot move a column: the columns that come after it in a fresh install are
// recreated at the end (added, copied, dropped, renamed), with the constraints, indexes and
// triggers that use them. Only older installs take this path; it rewrites the table once.
async function orderColumns(q: QueryRunner, table: string, expected: string[]): Promise<void> {
  const actual = await columnsOf(q, table);
  if ([...actual].sort().join() !== [...expected].sort().join()) {
    throw new Error(`${table} has columns [${actual.join(', ')}], expected [${expected.join(', ')}]`);
  }
  // Keep the longest start of the expected order that is already in that order; move the rest.
  let kept = 0;
  for (let at = 0; kept < expected.length; kept++) {
    const found = actual.indexOf(expected[kept], at);
    if (found < 0) break;
    at = found + 1;
  }
  const moved = expected.slice(kept);
  if (!moved.length) return;

  const found: Column[] = await q.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS "default"
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attname = ANY ($2)
        AND a.attidentity = '' AND a.attgenerated = '' AND a.attcollation IN (0, 100)
        AND col_description(a.attrelid, a.attnum) IS NULL`,
    [table, moved],
  );
  const column = new Map(found.map((c) => [c.name, c]));
  const unmovable = moved.filter((c) => !column.has(c));
  if (unmovable.length) {
    throw new Error(
      `${table}: identity, generated, collated or commented columns (${unmovable}) are not moved here`,
    );
  }
  const columns = moved.flatMap((c) => column.get(c) ?? []); // in the expected order

  // Whatever depends on a moved column (pg_depend), but the column's own default and the index
  // behind a primary key or unique constraint, which go with the column and the constraint.
  const dependents: Dependent[] = await q.query(
    `SELECT DISTINCT
            CASE WHEN con.contype = 'f' THEN 'foreign key' WHEN con.oid IS NOT NULL THEN 'constraint'
                 WHEN idx.indexrelid IS NOT NULL THEN 'index' WHEN tg.oid IS NOT NULL THEN 'trigger'
                 ELSE 'other' END AS kind,
            COALESCE(con.conrelid, idx.indrelid, tg.tgrelid)::regclass::text AS "table",
            COALESCE(con.conname, idx.indexrelid::regclass::text, tg.tgname,
                     pg_describe_object(dep.classid, dep.objid, dep.objsubid)) AS name,
            COALESCE(pg_get_constraintdef(con.oid), pg_get_indexdef(idx.indexrelid),
                     pg_get_triggerdef(tg.oid), '') AS definition
       FROM pg_depend dep
       JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
       LEFT JOIN pg_constraint con ON dep.classid = 'pg_constraint'::regclass AND con.oid = dep.objid
       LEFT JOIN pg_index idx ON dep.classid = 'pg_class'::regclass AND idx.indexrelid = dep.objid
       LEFT JOIN pg_trigger tg ON dep.classid = 'pg_trigger'::regclass AND tg.oid = dep.objid
       LEFT JOIN pg_attrdef ad ON dep.classid = 'pg_attrdef'::regclass AND ad.oid = dep.objid
      WHERE dep.refclassid = 'pg_class'::regclass AND dep.refobjid = $1::regclass AND a.attname = ANY ($2)
        AND NOT (ad.oid IS NOT NULL AND ad.adrelid = a.attrelid AND ad.adnum = a.attnum)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c2 WHERE c2.conindid = dep.objid
                         AND c2.conrelid = dep.refobjid AND c2.contype IN ('p', 'u', 'x'))`,
    [table, moved],
  );
  const others = dependents.filter((d) => d.kind === 'other').map((d) => d.name);
  if (others.length) throw new Error(`${table}: cannot move columns that ${others.join(', ')} depend on`);
  const ofKind = (kind: Dependent['kind']) => dependents.filter((d) => d.kind === kind);

  for (const d of ofKind('foreign key')) await q.query(`ALTER TABLE ${d.table} DROP CONSTRAINT "${d.name}"`);
  for (const d of ofKind('trigger')) await q.query(`DROP TRIGGER "${d.name}" ON ${d.table}`);
  for (const d of ofKind('constraint')) await q.query(`ALTER TABLE ${d.table} DROP CONSTRAINT "${d.name}"`);
  for (const d of ofKind('index')) await q.query(`DROP INDEX ${d.name}`);

  const tmp = (c: string) => `"${c}__converge"`;
  await q.query(
    `ALTER TABLE ${table} ${columns.map((c) => `ADD COLUMN ${tmp(c.name)} ${c.type}`).join(', ')}`,
  );
  // The copy is no change to the rows: the table's own triggers stay out of it.
  const triggers: Array<{ tgname: string }> = await q.query(
    `SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal AND tgenabled = 'O'`,
    [table],
  );
  for (const t of triggers) await q.query(`ALTER TABLE ${table} DISABLE TRIGGER "${t.tgname}"`);
  await q.query(`UPDATE ${table} SET ${columns.map((c) => `${tmp(c.name)} = "${c.name}"`).join(', ')}`);
  for (const t of triggers) await q.query(`ALTER TABLE ${table} ENABLE TRIGGER "${t.tgname}"`);
  await q.query(`ALTER TABLE ${table} ${columns.map((c) => `DROP COLUMN "${c.name}"`).join(', ')}`);
  // Added in the expected order, so renamed in any order.
  for (const c of columns) {
    await q.query(`ALTER TABLE ${table} RENAME COLUMN ${tmp(c.name)} TO "${c.name}"`);
    if (c.default !== null) {
      await q.query(`ALTER TABLE ${table} ALTER COLUMN "${c.name}" SET DEFAULT ${c.default}`);
    }
    if (c.notnull) await q.query(`ALTER TABLE ${table} ALTER COLUMN "${c.name}" SET NOT NULL`);
  }

  for (const d of ofKind('constraint')) {
    await q.query(`ALTER TABLE ${d.table} ADD CONSTRAINT "${d.name}" ${d.definition}`);
  }
  for (const d of ofKind('index')) await q.query(d.definition);
  for (const d of ofKind('foreign key')) {
    await q.query(`ALTER TABLE ${d.table} ADD CONSTRAINT "${d.name}" ${d.definition}`);
  }
  for (const d of ofKind('trigger')) await q.query(d.definition);
}
