import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { DatabaseModule } from '@lianjian/database';
import { QueueModule } from '@lianjian/queue';
import {
  FileIngestionService,
  IngestionModule,
  IngestionService,
  OPERATOR_SENDER,
} from '@lianjian/ingestion';
import { createCommandContext } from './app-context';
import { CommandError, printJsonLine, runCommand, UsageError } from './command';

// npm run import: stores a department's file and applies it with its source profile, here and now
// (no worker needed); follow-up scoring and rules jobs go to the queues as for any batch.
runCommand({
  name: 'import',
  usage: '--source SOURCE FILE [--rerun]',
  options: { source: 'string', rerun: 'boolean' },
  positionals: 1,
  run: async (args) => {
    const [file] = args._;
    if (!file || !args.source) throw new UsageError('--source and a FILE are required');
    parseEnv(baseEnvSchema, process.env);
    await stat(file).catch(() => {
      throw new CommandError(`no such file: ${file}`);
    });
    return importFile(args.source, file, Boolean(args.rerun));
  },
});

async function importFile(source: string, file: string, rerun: boolean): Promise<number> {
  const app = await createCommandContext([DatabaseModule, QueueModule, IngestionModule]);
  try {
    const files = app.get(FileIngestionService);
    const t0 = Date.now();
    // The operator at the machine sends for the profile's department; each row is checked as any upload's.
    const up = await files.accept(
      source,
      createReadStream(file),
      { originalName: basename(file) },
      OPERATOR_SENDER,
    );
    let batchId = up.batchId;
    if (up.duplicate && rerun) {
      batchId = await files.rerun(up.batchId);
      console.log(
        `this file was already received (batch ${up.batchId}); running it again as batch ${batchId}`,
      );
      await files.process(batchId);
    } else if (up.duplicate)
      console.log(
        `this file was already received for ${source} (batch ${up.batchId}); nothing changes (--rerun runs it again)`,
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
    printJsonLine({
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
    });
    return report.status === 'done' ? 0 : 2;
  } finally {
    await app.close();
  }
}
