import { baseEnvSchema, EnvValidationError, parseEnv } from '@lianjian/common';
import { runMigrations } from '@lianjian/database';
import { ensureDatabase } from './ensure-database';

// npm run migrate: applies pending migrations to DATABASE_URL (creating the database if missing).
async function main(): Promise<void> {
  const env = parseEnv(baseEnvSchema, process.env);
  if (await ensureDatabase(env.DATABASE_URL))
    console.log(`created database ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
  const applied = await runMigrations(env.DATABASE_URL);
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date');
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvValidationError ? e.message : e);
  process.exit(1);
});
