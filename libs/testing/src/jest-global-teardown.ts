import { withAdmin } from './test-database';

// Drops every database of this run, the template last.
export default async function globalTeardown(): Promise<void> {
  const run = process.env.LIANJIAN_TEST_RUN;
  if (!run) return;
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname LIKE '%template' , datname`,
      [`lianjian_t_${run}_%`],
    );
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
  });
}
