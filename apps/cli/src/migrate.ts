import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { runMigrations } from '@lianjian/database';
import { runCommand } from './command';
import { ensureDatabase } from './ensure-database';

// npm run migrate: applies pending migrations to DATABASE_URL (creating the database if missing).
runCommand({
  name: 'migrate',
  usage: '',
  options: {},
  run: async () => {
    const env = parseEnv(baseEnvSchema, process.env);
    if (await ensureDatabase(env.DATABASE_URL))
      console.log(`created database ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
    const applied = await runMigrations(env.DATABASE_URL);
    console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date');
  },
});
