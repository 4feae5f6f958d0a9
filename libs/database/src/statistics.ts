import type { DataSource, EntityManager } from 'typeorm';

// Planner statistics after bulk writes (统计信息). A bulk load (seed, a file, a large batch) or a full
// scoring run rewrites a large part of a table faster than autovacuum notices, and it may not run at
// all: until a table is analyzed the planner guesses its rows and their distribution, and with those
// guesses a per-chunk query of the next scoring run once took ~2 s instead of ~10 ms (issue 13). The
// product therefore analyzes what it has just loaded, itself, wherever it loads in bulk.

export interface StaleOptions {
  // Stale when the rows modified since the last analyze exceed `minRows` + `fraction` × the rows the
  // statistics describe (autovacuum's own rule, with its default scale factor) …
  fraction?: number;
  minRows?: number;
}

const DEFAULTS: Required<StaleOptions> = { fraction: 0.1, minRows: 1000 };

// The tables of the current schema whose statistics are stale, in name order (all of them, or only
// `tables`): never analyzed but not empty (pg_class.reltuples = -1), or the rows modified since the
// last analyze (pg_stat_user_tables.n_mod_since_analyze) above `minRows` + `fraction` × the rows that
// analyze counted (reltuples), or the table's size on disk now above (1 + `fraction`) × the pages
// that analyze saw (pg_class.relpages) — which a writer's counters not yet published cannot hide.
// One catalog query: cheap when nothing is stale.
export async function staleTables(
  db: DataSource | EntityManager,
  tables?: readonly string[],
  opts: StaleOptions = {},
): Promise<string[]> {
  const { fraction, minRows } = { ...DEFAULTS, ...opts };
  const rows: { name: string }[] = await db.query(
    `SELECT c.relname AS name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relkind IN ('r', 'p') AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
        AND ((c.reltuples < 0 AND (coalesce(s.n_live_tup, 0) > 0 OR pg_relation_size(c.oid) > 0))
             OR coalesce(s.n_mod_since_analyze, 0) > $3 + $2 * greatest(c.reltuples, 0)
             OR (pg_relation_size(c.oid) / current_setting('block_size')::int) > $3 / 50 + (1 + $2) * greatest(c.relpages, 0))
      ORDER BY 1`,
    [tables ? [...tables] : null, fraction, minRows],
  );
  return rows.map((r) => r.name);
}

// ANALYZEs the stale tables (staleTables) and returns their names. SKIP_LOCKED: a table another
// session is analyzing or vacuuming right now is left to it rather than waited for.
export async function analyzeStale(
  db: DataSource | EntityManager,
  tables?: readonly string[],
  opts: StaleOptions = {},
): Promise<string[]> {
  const stale = await staleTables(db, tables, opts);
  if (stale.length) await db.query(`ANALYZE (SKIP_LOCKED) ${stale.map(quoteIdent).join(', ')}`);
  return stale;
}

// Asks this session to publish its table counters (n_mod_since_analyze…) as soon as its transaction
// ends, instead of up to a second or more later (PostgreSQL 15+; earlier servers publish on their own
// timer and this does nothing): called by a bulk writer before it commits, so that analyzeStale run
// right after sees what it wrote.
export async function publishTableCounters(db: DataSource | EntityManager): Promise<void> {
  await db.query(
    `DO $$ BEGIN
       IF current_setting('server_version_num')::int >= 150000 THEN PERFORM pg_stat_force_next_flush(); END IF;
     END $$`,
  );
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
