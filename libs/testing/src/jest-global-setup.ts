import { randomBytes } from 'node:crypto';
// Global setup runs outside Jest's module system: no path aliases, so a relative import.
// eslint-disable-next-line lianjian/boundaries
import { runMigrations } from '../../database/src/data-source';
import { databaseUrl, withAdmin } from './test-database';

// Once per test run (every Jest project calls this; the first one creates the template).
export default async function globalSetup(): Promise<void> {
  if (process.env.LIANJIAN_TEST_RUN) return;
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  process.env.LIANJIAN_TEST_RUN = run;
  const template = `lianjian_t_${run}_template`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${template}`));
  await runMigrations(databaseUrl(template));
}
