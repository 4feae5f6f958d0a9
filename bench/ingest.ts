import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { addDays, parseEnv, todayInShanghai } from '@lianjian/common';
import { DatabaseModule } from '@lianjian/database';
import { FileIngestionService, IngestionModule, OPERATOR_SENDER } from '@lianjian/ingestion';
import { QueueModule } from '@lianjian/queue';
import { makeUscc, USCC_CHARSET } from '@lianjian/reference';
import { forkRng, generateDepartments } from '@lianjian/seed';
import { createCommandContext } from '../apps/cli/src/app-context';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import { harnessEnvSchema, storeDepartments, withProcessEnv, withScratch } from '../tools/harness';

// npm run bench:ingest [-- --rows N]: a CSV of N canonical inspection rows, from the file to committed
// records (stored, read, mapped, validated, hashed, applied with version checks), timed against two
// baselines in the same run: PostgreSQL COPY of the same file into a bare unindexed table (the
// issue's yardstick), and COPY plus one INSERT…SELECT of those rows into a table indexed like
// `record` (what the schema alone costs, with no parsing, checks or history in Node). RSS is sampled
// throughout and reported per quarter of the ingest: flat memory means the last quarter's peak is
// no higher than the first's, however large the file (`--rows 12000000` is a 1 GB file).

const SOURCE = 'lianjian-canonical-inspections';
const RESULTS = ['pass', 'pass', 'pass', 'pass', 'rectified', 'fail', 'unreachable', 'not_operating'];

const OPTIONS = { rows: { type: 'integer', min: 1 }, keep: 'boolean' } as const;

runCommand({ name: 'bench:ingest', usage: '[--rows N] [--keep]', options: OPTIONS, run: bench });

async function bench(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const rows = args.rows ?? 1_000_000;
  const dir = await mkdtemp(join(tmpdir(), 'lianjian-bench-'));
  let peakRss = process.memoryUsage().rss;
  const samples: [number, number][] = [];
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    samples.push([Date.now(), rss]);
  }, 50);

  try {
    await withScratch(env, 'bench_ingest', { keep: args.keep }, async (scratch) => {
      const url = scratch.url;
      const ds = await scratch.dataSource(2);
      const depts = generateDepartments('330000');
      await storeDepartments(ds, depts);
      const counties = depts.filter((d) => d.level === 'county' && d.code.endsWith('-SAMR'));

      const file = join(dir, 'inspections.csv');
      const t0 = Date.now();
      await writeCsv(
        file,
        rows,
        counties.map((d) => d.regionCode),
      );
      const fileBytes = (await stat(file)).size;
      console.log(
        `wrote ${rows} rows, ${(fileBytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );

      // Baseline: the same bytes into a bare table with COPY (no parsing in Node, no checks, no indexes).
      const { copySeconds, indexedSeconds } = await copyBaseline(url, file);
      console.log(
        `COPY into a bare unindexed table: ${copySeconds.toFixed(2)} s (${Math.round(rows / copySeconds)} rows/s); ` +
          `COPY + INSERT…SELECT into a table indexed like record: ${indexedSeconds.toFixed(2)} s`,
      );

      const scratchEnv = {
        DATABASE_URL: url,
        QUEUE_PREFIX: scratch.prefix,
        FILE_STORE_DIR: join(dir, 'files'),
      };
      const { res, t1, tStored, seconds } = await withProcessEnv(scratchEnv, async () => {
        const app = await createCommandContext([DatabaseModule, QueueModule, IngestionModule]);
        try {
          const files = app.get(FileIngestionService);
          peakRss = process.memoryUsage().rss;
          samples.length = 0;
          const t1 = Date.now();
          const up = await files.accept(
            SOURCE,
            createReadStream(file),
            { originalName: 'inspections.csv' },
            OPERATOR_SENDER,
          );
          const tStored = Date.now();
          const res = await files.process(up.batchId);
          return { res, t1, tStored, seconds: (Date.now() - t1) / 1000 };
        } finally {
          await app.close();
        }
      });
      if ('refused' in res) throw new Error(`the bench file was refused: ${res.refused}`);
      if (res.inserted !== rows || res.rejected !== 0)
        throw new Error(
          `expected ${rows} inserted and 0 rejected, got ${res.inserted} inserted, ${res.rejected} rejected`,
        );

      const tEnd = Date.now();
      const recordsPerSec = Math.round(rows / seconds);
      const ratioToCopy = Math.round((seconds / copySeconds) * 100) / 100;
      const ratioToIndexedInsert = Math.round((seconds / indexedSeconds) * 100) / 100;
      const rssByQuarterMb = [0, 1, 2, 3].map((q) => {
        const from = t1 + ((tEnd - t1) * q) / 4;
        const to = t1 + ((tEnd - t1) * (q + 1)) / 4;
        const inQuarter = samples.filter(([t]) => t >= from && t < to).map(([, r]) => r);
        return inQuarter.length ? Math.round(Math.max(...inQuarter) / 2 ** 20) : null;
      });
      console.log(
        `Lianjian: ${seconds.toFixed(2)} s end to end (store ${((tStored - t1) / 1000).toFixed(2)} s), ${recordsPerSec} records/s, ` +
          `${ratioToCopy}× COPY, ${ratioToIndexedInsert}× COPY + indexed INSERT, peak RSS ${Math.round(peakRss / 2 ** 20)} MB ` +
          `(per quarter of the run: ${rssByQuarterMb.join(' / ')} MB)`,
      );
      console.log(`phases (ms): ${JSON.stringify(res.phases)}`);
      printJsonLine({
        bench: 'ingest',
        rows,
        fileMb: Math.round(fileBytes / 1e5) / 10,
        seconds: Math.round(seconds * 100) / 100,
        recordsPerSec,
        copySeconds: Math.round(copySeconds * 100) / 100,
        copyRowsPerSec: Math.round(rows / copySeconds),
        ratioToCopy,
        indexedInsertSeconds: Math.round(indexedSeconds * 100) / 100,
        ratioToIndexedInsert,
        threads: env.INGEST_THREADS,
        peakRssMb: Math.round(peakRss / 2 ** 20),
        rssByQuarterMb,
      });
    });
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeCsv(path: string, rows: number, regions: string[]): Promise<void> {
  const rng = forkRng(7, 1);
  const entities = Math.max(1, Math.floor(rows / 8));
  const usccs: string[] = [];
  for (let i = 0; i < entities; i++) {
    let body = '';
    for (let k = 0; k < 8; k++) body += USCC_CHARSET[rng.int(0, 30)];
    usccs.push(
      makeUscc({ authority: '9', category: '1', regionCode: regions[i % regions.length], orgBody: body }),
    );
  }
  const end = todayInShanghai();
  async function* lines(): AsyncGenerator<string> {
    yield 'sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger\n';
    let buf = '';
    for (let i = 0; i < rows; i++) {
      const e = rng.int(0, entities - 1);
      const uscc = usccs[e];
      const result = RESULTS[rng.int(0, RESULTS.length - 1)];
      const bad = result === 'fail' ? 1 : 0;
      buf += `BENCH-${i},${uscc},${uscc.slice(2, 8)}-SAMR,${addDays(end, -rng.int(0, 1094))},${result},食品经营,${bad * rng.int(0, 2)},${rng.int(0, 2)},${rng.int(0, 4)},random\n`;
      if (buf.length > 1 << 20) {
        yield buf;
        buf = '';
      }
    }
    yield buf;
  }
  await pipeline(lines(), createWriteStream(path));
}

async function copyBaseline(
  url: string,
  file: string,
): Promise<{ copySeconds: number; indexedSeconds: number }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE TABLE bench_copy (source_record_id text, uscc text, department_code text, occurred_at date,
      result text, matter text, critical int, serious int, minor int, trigger text)`);
    await c.query(
      `CREATE TABLE bench_record (LIKE record INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING CONSTRAINTS)`,
    );
    const t = Date.now();
    await pipeline(
      createReadStream(file),
      c.query(copyFrom(`COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)`)),
    );
    const copySeconds = (Date.now() - t) / 1000;
    // The same rows as records, built in SQL: the floor the indexed schema sets for any loader.
    await c.query(`INSERT INTO bench_record (source, source_record_id, kind, entity_id, department_code, occurred_at,
                                             data, content_hash, batch_id)
      SELECT 'bench', source_record_id, 'inspection', hashtext(uscc) & 1048575, department_code, occurred_at,
             jsonb_build_object('result', result, 'matter', matter, 'trigger', trigger, 'violations',
               jsonb_build_object('critical', critical, 'serious', serious, 'minor', minor)),
             md5(source_record_id), '00000000-0000-0000-0000-000000000000'
        FROM bench_copy`);
    const indexedSeconds = (Date.now() - t) / 1000;
    await c.query('DROP TABLE bench_copy, bench_record');
    // So that the ingest does not pay for the baseline's dirty pages (needs a privileged role; optional).
    await c.query('CHECKPOINT').catch(() => undefined);
    return { copySeconds, indexedSeconds };
  } finally {
    await c.end();
  }
}
