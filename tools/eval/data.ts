import 'reflect-metadata';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import {
  createDataSource,
  DatabaseModule,
  DepartmentRepository,
  type DepartmentRow,
  EntityRepository,
  type EntityRow,
  RecordRepository,
} from '@lianjian/database';
import type { StoredRecord } from '@lianjian/domain';
import { FileIngestionService, IngestionModule, OPERATOR_SENDER } from '@lianjian/ingestion';
import { QueueModule } from '@lianjian/queue';
import { adverseRecordsIn, isNonCompliantInspection, shiftDays, shiftMonths } from '@lianjian/scoring';
import { generateSyntheticProvince, seedProvince } from '@lianjian/seed';
import { createCommandContext } from '../../apps/cli/src/app-context';
import { UsageError } from '../../apps/cli/src/command';
import { harnessEnvSchema, Scratch, withProcessEnv, withScratch } from '../harness';

// Data sets for `npm run eval` and `npm run fit`: each is loaded into a scratch database through the
// product's own ingestion path, read back as entities and records, and turned into backtest cases
// (an entity, the date it is scored as of, and what happened afterwards). Scoring itself is the
// engine's pure profile + scorecard (backtest.ts); nothing here is seen by libs/.

export const DATASETS = ['chicago', 'synthetic'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const evalEnvSchema = harnessEnvSchema.extend({
  // Where ../shared/data lives when not next to the checkout.
  LIANJIAN_DATA_DIR: z.string().min(1).optional(),
});
export type EvalEnv = z.infer<typeof evalEnvSchema>;

export interface EvalCase {
  key: string; // the inspection id (Chicago) or the entity id (synthetic)
  entityId: string;
  asOf: string; // scored as of this date: records dated after it are not seen
  label: 0 | 1;
  // An inspection that actually happened after asOf, for the days-earlier simulation.
  inspection?: { date: string; label: 0 | 1 };
  reference?: number; // the published model's score of this case (Chicago's XGBoost `score`)
  validation?: boolean; // training cases held out of the coefficient fit to choose λ
}

export interface PublishedBaseline {
  name: string;
  auc: number;
  daysEarlier?: number;
}

export interface LoadedDataset {
  name: DatasetName | 'records'; // records: an NDJSON file of canonical records (records.ts)
  entities: Map<string, EntityRow>;
  records: Map<string, StoredRecord[]>;
  departments: DepartmentRow[]; // the scratch database's, with their domains (监管领域)
  test: EvalCase[];
  train: EvalCase[];
  text: { label: string; test: string; train: string; validation: string };
  published: PublishedBaseline[]; // the first is the headline baseline (baselineAuc)
  oracle?: Map<string, number>; // synthetic: the planted latent risk per entity id
  facts: Record<string, number | string>; // counts worth printing (imported rows, label checks …)
  loadSeconds: number;
}

export interface DatasetOptions {
  dataDir: string;
  keep: boolean;
  // synthetic only
  entities: number;
  seed: number;
  end: string;
  years: number;
}

// What a run is for: it names the scratch database (`<DATABASE_URL's name>_<purpose>_<dataset>`).
export type LoadPurpose = 'eval' | 'fit' | 'planning';

export interface LoadOptions extends DatasetOptions {
  purpose: LoadPurpose;
  log: (line: string) => void;
}

// --- Chicago ---------------------------------------------------------------------------------------

const CHICAGO_DIR = 'chicago-food-inspections';
// Files in import order: licences first (they name and date the entities), then what happened to them.
const CHICAGO_FEEDS = [
  { source: 'chicago-business-licenses', file: 'chicago_business_license_features.csv' },
  { source: 'chicago-food-inspections', file: 'chicago_inspections_features.csv' },
  { source: 'chicago-inspection-visits', file: 'chicago_inspector_schedule_2011_2014.csv' },
] as const;
const CHICAGO_SPLIT_FILE = 'chicago_model_data_with_split_and_score.csv';
// The Chicago project's out-of-sample "pilot" period (README.txt): its Test rows.
export const CHICAGO_TEST_FROM = '2014-09-02';
export const CHICAGO_TEST_TO = '2014-10-31';
// λ is chosen on the training inspections from this date on: the months between the project's last
// Train row (2014-04-16) and the test period, which its own split left unused.
const CHICAGO_VALIDATION_FROM = '2014-04-17';

export function resolveDataDir(cliValue: string | undefined, env: EvalEnv): string {
  return resolve(cliValue ?? env.LIANJIAN_DATA_DIR ?? '../shared/data');
}

// Every file the dataset needs, checked before anything is created.
export function checkDataFiles(dataset: DatasetName, dataDir: string): void {
  if (dataset !== 'chicago') return;
  const dir = join(dataDir, CHICAGO_DIR);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(
      `Chicago data folder not found: ${dir}\n` +
        `  未找到芝加哥数据目录。Point --data-dir (or LIANJIAN_DATA_DIR) at the folder holding ${CHICAGO_DIR}/.`,
    );
  const missing = [...CHICAGO_FEEDS.map((f) => f.file), CHICAGO_SPLIT_FILE].filter(
    (f) => !existsSync(join(dir, f)),
  );
  if (missing.length)
    throw new UsageError(
      `missing in ${dir}: ${missing.join(', ')}\n  数据文件缺失，请检查 --data-dir（或 LIANJIAN_DATA_DIR）。`,
    );
}

interface SplitRow {
  Inspection_ID: string;
  Inspection_Date: string;
  criticalFound: string;
  score: string;
  Test: string;
  Train: string;
}

// The three Chicago feeds through FileIngestionService, exactly as `npm run import` applies them.
async function importChicago(
  url: string,
  prefix: string,
  dir: string,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const fileStore = await mkdtemp(join(tmpdir(), 'lianjian-eval-files-'));
  const facts: Record<string, number> = {};
  const scratchEnv = { DATABASE_URL: url, QUEUE_PREFIX: prefix, FILE_STORE_DIR: fileStore };
  await withProcessEnv(scratchEnv, async () => {
    const app = await createCommandContext([DatabaseModule, QueueModule, IngestionModule]);
    try {
      const files = app.get(FileIngestionService);
      for (const feed of CHICAGO_FEEDS) {
        const t0 = Date.now();
        const path = join(dir, feed.file);
        const up = await files.accept(
          feed.source,
          createReadStream(path),
          { originalName: basename(path) },
          OPERATOR_SENDER,
        );
        const res = await files.process(up.batchId);
        if ('refused' in res) throw new Error(`${feed.file} was refused as a whole: ${res.refused}`);
        log(
          `  imported ${feed.file} with profile ${feed.source}: ${res.rowsRead} rows, ${res.inserted} records inserted, ` +
            `${res.duplicates} repeats, ${res.rejected} refused (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
        facts[`${feed.source}.inserted`] = res.inserted;
        facts[`${feed.source}.rejected`] = res.rejected;
      }
    } finally {
      await app.close();
    }
  }).finally(() => rm(fileStore, { recursive: true, force: true }));
  return facts;
}

export async function loadAll(url: string): Promise<{
  entities: Map<string, EntityRow>;
  records: Map<string, StoredRecord[]>;
  departments: DepartmentRow[];
}> {
  const ds = createDataSource(url, 2);
  await ds.initialize();
  try {
    const rows = await new EntityRepository(ds).findRange('0', '9223372036854775807');
    const records = await new RecordRepository(ds).forEntityRange('0', '9223372036854775807');
    const departments = await new DepartmentRepository(ds).list();
    return { entities: new Map(rows.map((e) => [e.id, e])), records, departments };
  } finally {
    await ds.destroy();
  }
}

function chicagoCases(
  dir: string,
  records: Map<string, StoredRecord[]>,
): Pick<LoadedDataset, 'test' | 'train' | 'facts'> {
  // The inspections as the engine stored them, by the inspection id in their sourceRecordId.
  const inspections = new Map<string, StoredRecord<'inspection'>>();
  for (const list of records.values())
    for (const r of list)
      if (r.kind === 'inspection' && r.source === 'chicago-food-inspections')
        inspections.set(r.sourceRecordId.replace(/^INS-/, ''), r as StoredRecord<'inspection'>);
  const critical = (r: StoredRecord<'inspection'>): 0 | 1 => ((r.data.violations?.critical ?? 0) > 0 ? 1 : 0);
  // Scored as of the day before the inspection: nothing dated on the inspection day (the inspection
  // itself, a complaint visit, a licence term starting that day) is seen.
  const toCase = (id: string, r: StoredRecord<'inspection'>): EvalCase => {
    const label = critical(r);
    return {
      key: id,
      entityId: r.entityId,
      asOf: shiftDays(r.occurredAt, -1),
      label,
      inspection: { date: r.occurredAt, label },
    };
  };

  const split = parse(readFileSync(join(dir, CHICAGO_SPLIT_FILE)), {
    columns: true,
    skip_empty_lines: true,
  }) as SplitRow[];
  const test: EvalCase[] = [];
  let missing = 0;
  let dateMismatch = 0;
  let labelMismatch = 0;
  for (const row of split) {
    if (row.Test !== 'TRUE') continue;
    const r = inspections.get(row.Inspection_ID);
    if (!r) {
      missing++;
      continue;
    }
    if (r.occurredAt !== row.Inspection_Date) dateMismatch++;
    const c = toCase(row.Inspection_ID, r);
    if (String(c.label) !== row.criticalFound) labelMismatch++;
    c.reference = Number(row.score);
    test.push(c);
  }
  if (missing || dateMismatch)
    throw new Error(
      `the Chicago test rows do not match the imported inspections: ${missing} not found, ${dateMismatch} with another date`,
    );
  if (test.some((c) => c.asOf < shiftDays(CHICAGO_TEST_FROM, -1) || c.asOf >= CHICAGO_TEST_TO))
    throw new Error('a Chicago test row lies outside the published test period');

  // Training: every canvass inspection of the feed dated before the test period (2011-09-02 ..
  // 2014-09-01), not only the project's 17,075 Train rows (which drop inspections its weather, heat
  // map or licence join could not complete, and stop at 2014-04-16): the engine needs none of those
  // joins, and all of them are strictly earlier than the test period.
  const train: EvalCase[] = [];
  for (const [id, r] of inspections)
    if (r.occurredAt < CHICAGO_TEST_FROM) {
      const c = toCase(id, r);
      c.validation = r.occurredAt >= CHICAGO_VALIDATION_FROM;
      train.push(c);
    }
  train.sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : a.key < b.key ? -1 : 1));
  return {
    test,
    train,
    facts: {
      splitRows: split.length,
      testRows: test.length,
      testLabelMismatches: labelMismatch, // engine's critical count > 0 vs the file's criticalFound
      inspectionsImported: inspections.size,
    },
  };
}

// --- synthetic ------------------------------------------------------------------------------------

// An entity exists and trades on `asOf`: registered on or before it, not revoked or deregistered.
function activeOn(records: readonly StoredRecord[], asOf: string): boolean {
  let registered = false;
  let status: string | undefined;
  for (const r of records) {
    if (r.kind !== 'registration' || r.occurredAt > asOf) continue;
    registered = true;
    const s = (r as StoredRecord<'registration'>).data.status;
    if (s) status = s; // records arrive in date order (RecordRepository orders them)
  }
  return registered && status !== 'revoked' && status !== 'deregistered';
}

function syntheticCases(
  records: Map<string, StoredRecord[]>,
  entityIds: readonly string[],
  t: string,
  horizonEnd: string,
): EvalCase[] {
  const out: EvalCase[] = [];
  for (const id of entityIds) {
    const list = records.get(id) ?? [];
    if (!activeOn(list, t)) continue;
    const label: 0 | 1 = adverseRecordsIn(list, t, horizonEnd).length ? 1 : 0;
    // days earlier: the entity's first random (双随机) inspection in the window, like Chicago's
    // canvass; its outcome is the label of that simulation.
    const first = list.find(
      (r) =>
        r.kind === 'inspection' &&
        r.occurredAt > t &&
        r.occurredAt <= horizonEnd &&
        (r as StoredRecord<'inspection'>).data.trigger === 'random',
    ) as StoredRecord<'inspection'> | undefined;
    out.push({
      key: id,
      entityId: id,
      asOf: t,
      label,
      ...(first
        ? { inspection: { date: first.occurredAt, label: isNonCompliantInspection(first.data) ? 1 : 0 } }
        : {}),
    });
  }
  return out;
}

// --- loading ----------------------------------------------------------------------------------------

// Loads the data set into a scratch database and runs `fn` on it; the scratch database and its queues
// (ingestion enqueues scoring and rule jobs for the batches; no worker serves this prefix) are removed
// afterwards, the database kept with --keep.
export async function withDataset<T>(
  dataset: DatasetName,
  env: EvalEnv,
  opts: LoadOptions,
  fn: (data: LoadedDataset) => Promise<T>,
): Promise<T> {
  const name = `${opts.purpose}_${dataset}`;
  const scratch = new Scratch(env, name);
  opts.log(
    `scratch database ${scratch.databaseName} (queue prefix ${scratch.prefix})` +
      (opts.keep ? ', kept afterwards' : ''),
  );
  return withScratch(env, name, { keep: opts.keep }, async () => fn(await load(dataset, scratch, opts)));
}

async function load(dataset: DatasetName, scratch: Scratch, opts: LoadOptions): Promise<LoadedDataset> {
  const t0 = Date.now();
  const { url, prefix } = scratch;
  {
    if (dataset === 'chicago') {
      const dir = join(opts.dataDir, CHICAGO_DIR);
      const imported = await importChicago(url, prefix, dir, opts.log);
      const { entities, records, departments } = await loadAll(url);
      const cases = chicagoCases(dir, records);
      return {
        name: 'chicago',
        entities,
        records,
        departments,
        test: cases.test,
        train: cases.train,
        text: {
          label:
            'critical violation found at the inspection (criticalFound; critical count > 0 in the engine’s record)',
          test: `the project's Test inspections ${CHICAGO_TEST_FROM}..${CHICAGO_TEST_TO}, each scored as of the day before it`,
          train: `every canvass inspection of the feed before ${CHICAGO_TEST_FROM}, each scored as of the day before it`,
          validation: `λ chosen on the training inspections from ${CHICAGO_VALIDATION_FROM} (after the project's last Train row)`,
        },
        published: [
          { name: 'Chicago XGBoost (published)', auc: 0.679, daysEarlier: 7.79 },
          { name: 'Chicago glmnet (published)', auc: 0.675, daysEarlier: 7.44 },
          { name: 'entity features only, logistic (README)', auc: 0.594 },
        ],
        facts: { ...imported, ...cases.facts, entities: entities.size },
        loadSeconds: (Date.now() - t0) / 1000,
      };
    }

    const res = await seedProvince(await scratch.dataSource(4), {
      entities: opts.entities,
      seed: opts.seed,
      end: opts.end,
      years: opts.years,
    });
    opts.log(
      `  seeded ${res.entities} entities, ${res.records} records (${opts.years} years to ${opts.end}, seed ${opts.seed}) in ${res.seconds.toFixed(1)} s`,
    );
    const { entities, records, departments } = await loadAll(url);
    // The planted truth, regenerated (entity i depends only on seed and i): never in the product's tables.
    const gen = generateSyntheticProvince({
      entities: opts.entities,
      seed: opts.seed,
      end: opts.end,
      years: opts.years,
    });
    const byUscc = new Map<string, number>();
    for (const e of gen.entities()) byUscc.set(e.uscc, e.latentRisk);
    const oracle = new Map<string, number>();
    for (const e of entities.values())
      if (e.uscc && byUscc.has(e.uscc)) oracle.set(e.id, byUscc.get(e.uscc)!);

    const t = shiftMonths(opts.end, -12);
    const tTrain = shiftMonths(opts.end, -24);
    const tEarly = shiftMonths(opts.end, -36);
    const ids = [...entities.keys()];
    const test = syntheticCases(records, ids, t, opts.end);
    // λ by a split in time inside the training window, as for Chicago and --records: fitted on the
    // entities scored as of end − 36 months (outcomes to end − 24), chosen on those scored as of
    // end − 24 months (outcomes to T); the final fit uses both. Nothing of the test period is seen.
    const late = syntheticCases(records, ids, tTrain, t).map((c) => ({ ...c, validation: true }));
    const early = syntheticCases(records, ids, tEarly, tTrain).map((c) => ({
      ...c,
      key: `${c.entityId}@${tEarly}`,
      validation: false,
    }));
    const train = [...early, ...late];
    return {
      name: 'synthetic',
      entities,
      records,
      departments,
      test,
      train,
      text: {
        label: 'a non-compliant inspection, a penalty or a list addition in (T, T+12 months]',
        test: `entities trading on T = ${t}, scored as of T, outcomes in (${t}, ${opts.end}]`,
        train: `entities trading on ${tEarly} and on ${tTrain}, each scored as of that date, outcomes in the following 12 months (to ${t})`,
        validation: `λ chosen on the cases scored as of ${tTrain} (outcomes in (${tTrain}, ${t}]), fitted on those scored as of ${tEarly}`,
      },
      published: [],
      oracle,
      facts: { entities: entities.size, T: t, trainT: tTrain, earlyTrainT: tEarly, end: opts.end },
      loadSeconds: (Date.now() - t0) / 1000,
    };
  }
}
