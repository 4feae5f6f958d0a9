import { baseEnvSchema, EnvValidationError, parseEnv, todayInShanghai } from '@lianjian/common';
import { createDataSource, runMigrations } from '@lianjian/database';
import { parseArgs } from './args';
import { ensureDatabase } from './ensure-database';
import { seedProvince } from './seed-province';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gbkInspectionFeedChunks } from '@lianjian/seed';

const USAGE =
  'npm run seed -- --entities N [--seed S] [--end YYYY-MM-DD] [--years Y] [--gbk-feed FILE [--rows R]]';

// npm run seed: writes a reproducible synthetic province (Zhejiang) into DATABASE_URL.
async function main(): Promise<void> {
  const env = parseEnv(baseEnvSchema, process.env);
  const args = parseArgs(process.argv.slice(2), {
    entities: 'number',
    seed: 'number',
    end: 'string',
    years: 'number',
    'gbk-feed': 'string',
    rows: 'number',
  });
  const entities = Number(args.entities ?? 1000);
  if (!Number.isInteger(entities) || entities < 1 || entities > 20_000_000)
    throw new Error(`--entities must be 1…20,000,000\n${USAGE}`);
  const end = String(args.end ?? todayInShanghai());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new Error(`--end must be YYYY-MM-DD\n${USAGE}`);
  if (args['gbk-feed']) {
    // Only the feed file: a department's GBK export with Chinese headers, for `npm run import`.
    const file = String(args['gbk-feed']);
    await pipeline(
      Readable.from(
        gbkInspectionFeedChunks({
          entities,
          seed: Number(args.seed ?? 42),
          end,
          rows: args.rows === undefined ? undefined : Number(args.rows),
        }),
      ),
      createWriteStream(file),
    );
    console.log(
      `wrote ${file} (GBK CSV, source samr-gbk-inspections): npm run import -- --source samr-gbk-inspections ${file}`,
    );
    return;
  }
  await ensureDatabase(env.DATABASE_URL);
  await runMigrations(env.DATABASE_URL);
  const ds = createDataSource(env.DATABASE_URL, 4);
  await ds.initialize();
  try {
    const res = await seedProvince(ds, {
      entities,
      seed: Number(args.seed ?? 42),
      end,
      years: args.years === undefined ? undefined : Number(args.years),
      onProgress: (n, r) => process.stderr.write(`  ${n} entities, ${r} records\r`),
    });
    console.log(
      `seeded ${res.entities} entities, ${res.records} records, ${res.departments} departments in ${res.seconds.toFixed(1)} s (history to ${end})`,
    );
    console.log(
      JSON.stringify({
        seed: 'synthetic-province',
        entities: res.entities,
        records: res.records,
        departments: res.departments,
        seconds: res.seconds,
        recordsPerSec: Math.round(res.records / res.seconds),
      }),
    );
  } finally {
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvValidationError ? e.message : e instanceof Error ? e.message : e);
  process.exit(1);
});
