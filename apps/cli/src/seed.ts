import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { baseEnvSchema, parseEnv, todayInShanghai } from '@lianjian/common';
import { createDataSource, runMigrations } from '@lianjian/database';
import { gbkInspectionFeedChunks, seedProvince } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from './command';
import { ensureDatabase } from './ensure-database';

const OPTIONS = {
  entities: { type: 'integer', min: 1, max: 20_000_000 },
  seed: 'number',
  end: 'date',
  years: { type: 'integer', min: 1, max: 30 },
  'gbk-feed': 'string',
  rows: { type: 'integer', min: 1 },
} as const;

// npm run seed: writes a reproducible synthetic province (Zhejiang) into DATABASE_URL.
runCommand({
  name: 'seed',
  usage: '--entities N [--seed S] [--end YYYY-MM-DD] [--years Y] [--gbk-feed FILE [--rows R]]',
  options: OPTIONS,
  run: seed,
});

async function seed(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(baseEnvSchema, process.env);
  const entities = args.entities ?? 1000;
  const end = args.end ?? todayInShanghai();
  if (args['gbk-feed']) {
    // Only the feed file: a department's GBK export with Chinese headers, for `npm run import`.
    const file = args['gbk-feed'];
    await pipeline(
      Readable.from(
        gbkInspectionFeedChunks({
          entities,
          seed: args.seed ?? 42,
          end,
          rows: args.rows,
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
      seed: args.seed ?? 42,
      end,
      years: args.years,
      onProgress: (n, r) => process.stderr.write(`  ${n} entities, ${r} records\r`),
    });
    console.log(
      `seeded ${res.entities} entities, ${res.records} records, ${res.departments} departments in ${res.seconds.toFixed(1)} s (history to ${end})`,
    );
    printJsonLine({
      seed: 'synthetic-province',
      entities: res.entities,
      records: res.records,
      departments: res.departments,
      seconds: res.seconds,
      recordsPerSec: Math.round(res.records / res.seconds),
    });
  } finally {
    await ds.destroy();
  }
}
