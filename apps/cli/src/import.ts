import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { baseEnvSchema, EnvValidationError, parseEnv } from '@lianjian/common';
import { DatabaseModule } from '@lianjian/database';
import { QueueModule } from '@lianjian/queue';
import { FileIngestionService, IngestionModule, IngestionService } from '@lianjian/ingestion';
import { parseArgs } from './args';

const USAGE = 'npm run import -- --source SOURCE FILE [--rerun]';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: (env) => parseEnv(baseEnvSchema, env),
    }),
    DatabaseModule,
    QueueModule,
    IngestionModule,
  ],
})
class ImportModule {}

// npm run import: stores a department's file and applies it with its source profile, here and now
// (no worker needed); follow-up scoring and rules jobs go to the queues as for any batch.
async function main(): Promise<number> {
  parseEnv(baseEnvSchema, process.env);
  const argv = process.argv.slice(2);
  const file = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--source');
  const args = parseArgs(
    argv.filter((a) => a !== file),
    { source: 'string', rerun: 'boolean' },
  );
  if (!file || !args.source) throw new Error(`usage: ${USAGE}`);
  await stat(file).catch(() => {
    throw new Error(`no such file: ${file}`);
  });
  const app = await NestFactory.createApplicationContext(ImportModule, { logger: ['error', 'warn'] });
  try {
    const files = app.get(FileIngestionService);
    const t0 = Date.now();
    const up = await files.accept(String(args.source), createReadStream(file), {
      originalName: basename(file),
    });
    let batchId = up.batchId;
    if (up.duplicate && args.rerun) {
      batchId = await files.rerun(up.batchId);
      console.log(
        `this file was already received (batch ${up.batchId}); running it again as batch ${batchId}`,
      );
      await files.process(batchId);
    } else if (up.duplicate)
      console.log(
        `this file was already received for ${args.source} (batch ${up.batchId}); nothing changes (--rerun runs it again)`,
      );
    else await files.process(batchId);
    const report = await app.get(IngestionService).report(batchId, 20);
    const seconds = (Date.now() - t0) / 1000;
    console.log(`batch ${report.id} (${report.source}): ${report.status}`);
    if (report.fileError) console.log(`file refused: ${JSON.stringify(report.fileError)}`);
    console.log(
      `rows read ${report.rowsRead ?? 0}, records ${report.received}, accepted ${report.accepted}, inserted ${report.inserted ?? 0}, ` +
        `updated ${report.updated ?? 0}, unchanged ${report.unchanged ?? 0}, duplicates ${report.duplicates ?? 0}, rejected ${report.rejected}`,
    );
    for (const r of report.rejections)
      console.log(
        `  row ${r.rowNumber ?? r.idx}${r.output ? ` (${r.output})` : ''}: ${r.reasons.join('; ')}`,
      );
    if (report.rejected > report.rejections.length)
      console.log(`  … all ${report.rejected} at GET /api/v1/batches/${report.id}/rejections?format=csv`);
    console.log(
      JSON.stringify({
        import: report.source,
        batchId: report.id,
        status: report.status,
        rowsRead: report.rowsRead,
        accepted: report.accepted,
        inserted: report.inserted,
        updated: report.updated,
        unchanged: report.unchanged,
        duplicates: report.duplicates,
        rejected: report.rejected,
        seconds,
      }),
    );
    return report.status === 'done' ? 0 : 2;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof EnvValidationError ? e.message : e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
