import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseEnv } from '@lianjian/common';
import type { StoredRecord } from '@lianjian/domain';
import type { EntityRow } from '@lianjian/database';
import { generateSyntheticProvince } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand, UsageError } from '../../apps/cli/src/command';
import { evalEnvSchema, withDataset } from './data';
import { commonOptions, EVAL_OPTIONS } from './options';

// npm run eval:export -- --dataset synthetic|chicago --out FILE: writes a data set as an NDJSON file of
// canonical records (API.md), one per line — the input of `npm run eval -- --records FILE` and
// `npm run fit -- --records FILE`, to measure those paths on data whose figures are known. Synthetic:
// the generator's records as they are (same --entities, --seed, --end, --years as eval's). Chicago:
// the three feeds imported with their source profiles into a scratch database, read back as records.
const EXPORT_OPTIONS = {
  dataset: EVAL_OPTIONS.dataset,
  'data-dir': EVAL_OPTIONS['data-dir'],
  entities: EVAL_OPTIONS.entities,
  seed: EVAL_OPTIONS.seed,
  end: EVAL_OPTIONS.end,
  years: EVAL_OPTIONS.years,
  out: 'string',
} as const;

runCommand({
  name: 'eval:export',
  usage:
    '--dataset chicago|synthetic --out FILE [--data-dir DIR] [--entities N] [--seed S] [--end YYYY-MM-DD] [--years Y]',
  options: EXPORT_OPTIONS,
  run: exportRecords,
});

// A stored record as the canonical record that would store it again.
function canonical(r: StoredRecord, e: EntityRow): object {
  return {
    sourceRecordId: r.sourceRecordId,
    kind: r.kind,
    entity: e.uscc ? { uscc: e.uscc } : { scheme: e.scheme, id: e.externalId },
    departmentCode: r.departmentCode,
    occurredAt: r.occurredAt,
    [r.kind]: r.data,
  };
}

async function exportRecords(args: Args<typeof EXPORT_OPTIONS>): Promise<void> {
  const t0 = Date.now();
  const env = parseEnv(evalEnvSchema, process.env);
  const opts = commonOptions({ ...args, _: [] }, env);
  if (!args.out) throw new UsageError('--out FILE is required (缺少输出文件 --out)');
  if (existsSync(args.out)) throw new UsageError(`${args.out} exists: choose another --out (输出文件已存在)`);
  const out = createWriteStream(args.out, { flags: 'wx' });
  let lines = 0;
  const write = async (rec: object) => {
    lines++;
    if (!out.write(`${JSON.stringify(rec)}\n`)) await once(out, 'drain');
  };
  const log = (line: string) => console.log(line);
  try {
    if (opts.dataset === 'synthetic') {
      const gen = generateSyntheticProvince({
        entities: opts.entities,
        seed: opts.seed,
        end: opts.end,
        years: opts.years,
      });
      for (const e of gen.entities()) for (const r of e.records) await write(r.record);
    } else {
      await withDataset('chicago', env, { ...opts, purpose: 'eval', log }, async (data) => {
        for (const [id, list] of data.records) {
          const e = data.entities.get(id);
          if (e) for (const r of list) await write(canonical(r, e));
        }
      });
    }
    out.end();
    await once(out, 'finish');
  } catch (e) {
    out.destroy();
    await rm(args.out, { force: true }); // no half-written file left behind
    throw e;
  }
  log(`wrote ${lines} canonical records to ${relative(process.cwd(), args.out) || args.out}`);
  printJsonLine({
    export: opts.dataset,
    file: args.out,
    records: lines,
    ...(opts.dataset === 'synthetic'
      ? { entities: opts.entities, seed: opts.seed, end: opts.end, years: opts.years }
      : {}),
    seconds: Math.round((Date.now() - t0) / 100) / 10,
  });
}
