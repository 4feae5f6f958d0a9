import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { DatabaseModule } from '@lianjian/database';
import type { StoredRecord } from '@lianjian/domain';
import {
  DEPARTMENT_CODE_PATTERN,
  type DepartmentSpec,
  FileIngestionService,
  IngestionModule,
  IngestionService,
  loadSourceProfile,
  OPERATOR_SENDER,
} from '@lianjian/ingestion';
import { QueueModule } from '@lianjian/queue';
import { shiftDays } from '@lianjian/scoring';
import { generateDepartments } from '@lianjian/seed';
import { createCommandContext } from '../../apps/cli/src/app-context';
import { CommandError, UsageError } from '../../apps/cli/src/command';
import { Scratch, withProcessEnv, withScratch } from '../harness';
import { type EvalCase, type EvalEnv, type LoadedDataset, type LoadPurpose, loadAll } from './data';

// `npm run eval -- --records FILE --as-of D --horizon-days N` (and the same for `npm run fit`): a
// backtest on any NDJSON file of canonical records (API.md), one per line. The file goes through the
// product's own path for canonical NDJSON files (a source profile with "canonical": true, read,
// validated and applied by FileIngestionService, as `npm run import` does), into a scratch database of
// its own that is dropped afterwards; a line the product refuses is reported with its line number and
// reasons and counted, the rest goes on.
//
// The contract (API.md): every entity with a record dated in (D, D + N] is a case, scored as of D —
// with the records dated on or before D, the engine's meaning of "as of" — and labelled 1 when one of
// those horizon records is adverse: an inspection whose result is `fail`, any penalty, a listing
// `added`.

export const HORIZON_MAX_DAYS = 3650;

export interface RecordsOptions {
  file: string; // resolved path
  asOf: string;
  horizonDays: number;
  keep: boolean;
}

export interface RecordsLoadOptions extends RecordsOptions {
  purpose: LoadPurpose;
  log: (line: string) => void;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// A calendar date: 2024-02-30 and 2024-13-01 are not.
function validDate(s: string): boolean {
  const t = DATE.test(s) ? Date.parse(`${s}T00:00:00Z`) : NaN;
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

// The records options, checked before anything is created: one-line errors in zh-CN and English.
export async function recordsOptions(args: {
  records?: string;
  'as-of'?: string;
  'horizon-days'?: string;
  keep?: boolean;
}): Promise<RecordsOptions> {
  const asOf = args['as-of'];
  const horizon = args['horizon-days'];
  if (asOf === undefined) throw new UsageError('--records needs --as-of YYYY-MM-DD (缺少评估基准日 --as-of)');
  if (!validDate(asOf))
    throw new UsageError(
      `--as-of must be a date YYYY-MM-DD, got '${asOf}' (评估基准日须为有效日期 YYYY-MM-DD)`,
    );
  if (horizon === undefined)
    throw new UsageError('--records needs --horizon-days N (缺少观察期天数 --horizon-days)');
  const n = /^\d+$/.test(horizon.trim()) ? Number(horizon) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > HORIZON_MAX_DAYS)
    throw new UsageError(
      `--horizon-days must be a whole number of days 1…${HORIZON_MAX_DAYS}, got '${horizon}' (观察期天数须为 1–${HORIZON_MAX_DAYS} 的整数)`,
    );
  const file = resolve(args.records ?? '');
  const st = await stat(file).catch(() => undefined);
  if (!st) throw new CommandError(`records file not found: ${args.records} (未找到记录文件)`);
  if (!st.isFile()) throw new CommandError(`${args.records} is not a file (记录文件路径不是文件)`);
  return { file, asOf, horizonDays: n, keep: Boolean(args.keep) };
}

// --- the file, read once before the import -----------------------------------------------------------

interface FileScan {
  lines: number;
  contentLines: number; // not blank
  // Departments the lines name (valid codes only; a bad one is refused with its line at the import),
  // with the registration regions each sends.
  departments: Map<string, Set<string>>;
}

// Streams the file line by line: which departments it names, so they exist before the import (the
// product refuses a record of an unknown department). Lines that do not parse are left to the import,
// which refuses them with their line numbers.
async function scanFile(file: string): Promise<FileScan> {
  const scan: FileScan = { lines: 0, contentLines: 0, departments: new Map() };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    scan.lines++;
    if (!line.trim()) continue;
    scan.contentLines++;
    if (line.length > 1_048_576) continue; // refused at the import (a line over the row limit)
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof rec !== 'object' || rec === null) continue;
    const { departmentCode, registration } = rec as { departmentCode?: unknown; registration?: unknown };
    if (typeof departmentCode !== 'string' || !DEPARTMENT_CODE_PATTERN.test(departmentCode)) continue;
    let regions = scan.departments.get(departmentCode);
    if (!regions) scan.departments.set(departmentCode, (regions = new Set()));
    const region = (registration as { regionCode?: unknown } | null)?.regionCode;
    if (typeof region === 'string' && /^\d{6}$/.test(region)) regions.add(region);
  }
  return scan;
}

// --- departments created for the run --------------------------------------------------------------

const catalogues = new Map<string, Map<string, DepartmentSpec> | undefined>();

// The province's regulators as the product names them (libs/seed): '330106-SAMR' is 杭州市西湖区市场监督管理局.
function catalogued(code: string): DepartmentSpec | undefined {
  const province = /^(\d{2})\d{4}-/.exec(code)?.[1];
  if (!province) return undefined;
  if (!catalogues.has(province)) {
    let list: Map<string, DepartmentSpec> | undefined;
    try {
      list = new Map(generateDepartments(`${province}0000`).map((d) => [d.code, d]));
    } catch {
      list = undefined; // not a province code
    }
    catalogues.set(province, list);
  }
  return catalogues.get(province)?.get(code);
}

// The narrowest region (province PP0000, city PPCC00, county) holding every region in the set.
function commonRegion(regions: ReadonlySet<string>): string {
  const all = [...regions];
  if (!all.length) return '000000';
  for (const len of [6, 4, 2]) {
    const prefix = all[0].slice(0, len);
    if (all.every((r) => r.startsWith(prefix))) return prefix.padEnd(6, '0');
  }
  return '000000';
}

function levelOf(region: string): DepartmentSpec['level'] {
  if (region === '000000') return 'city'; // outside China, as the Chicago feeds' department
  if (region.endsWith('0000')) return 'province';
  return region.endsWith('00') ? 'city' : 'county';
}

// A department the file names: the catalogue's where it knows the code; otherwise named by its code,
// its jurisdiction (辖区) the region its code starts with ('440305-SAMR'), else the narrowest region
// holding the registrations it sends (the product refuses a registration outside its sender's
// jurisdiction), else outside China (000000). Domains do not matter to a backtest (no alert is routed).
export function departmentForRun(code: string, registrationRegions: ReadonlySet<string>): DepartmentSpec {
  const known = catalogued(code);
  if (known) return { ...known, domains: [...known.domains] };
  const region = /^(\d{6})(?!\d)/.exec(code)?.[1] ?? commonRegion(registrationRegions);
  return {
    code,
    name: code,
    nameEn: `${code} (created for the backtest)`,
    domains: ['market_regulation'],
    regionCode: region,
    level: levelOf(region),
  };
}

export const RECORDS_SOURCE = 'eval-records';

// The run's source profile: canonical NDJSON, a registration authority (the file carries the master
// data), bringing the departments the file names (SourceProfiles upserts them when the context starts).
// The scratch database holds no other department and validation refuses a code it does not hold, so
// the allow-list is one `c*` pattern per first character of the codes rather than thousands of codes.
function runProfile(departments: DepartmentSpec[]) {
  const firstChars = [...new Set(departments.map((d) => d.code[0]))].sort();
  const profile = {
    id: RECORDS_SOURCE,
    version: 1,
    description: {
      zh: '回测用标准记录文件（npm run eval / fit -- --records，仅用于本次运行的临时数据库）',
      en: 'A file of canonical records for a backtest (npm run eval / fit -- --records; the run’s scratch database only)',
    },
    allowedDepartments: firstChars.map((c) => `${c}*`),
    registrationAuthority: true,
    departments,
    format: 'ndjson',
    encoding: 'utf-8',
    canonical: true,
    outputs: [],
  };
  loadSourceProfile(profile); // a bug here should say so before anything is imported
  return profile;
}

// --- import -------------------------------------------------------------------------------------

export interface BadLine {
  line: number;
  reasons: string[];
}

export interface ImportFacts {
  lines: number;
  rowsRead: number;
  accepted: number;
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  badLines: number;
  badLineSamples: BadLine[]; // the first BAD_LINE_SAMPLES, in line order
  departmentsCreated: number;
}

export const BAD_LINE_SAMPLES = 100;
const BAD_LINES_PRINTED = 20;

async function importRecords(
  scratch: Scratch,
  file: string,
  scan: FileScan,
  log: (line: string) => void,
): Promise<ImportFacts> {
  const work = await mkdtemp(join(tmpdir(), 'lianjian-eval-records-'));
  try {
    const departments = [...scan.departments].map(([code, regions]) => departmentForRun(code, regions));
    await mkdir(join(work, 'config', 'sources'), { recursive: true });
    await writeFile(
      join(work, 'config', 'sources', `${RECORDS_SOURCE}.json`),
      JSON.stringify(runProfile(departments), null, 2),
    );
    const size = (await stat(file)).size;
    const env = {
      DATABASE_URL: scratch.url,
      QUEUE_PREFIX: scratch.prefix,
      CONFIG_DIR: join(work, 'config'),
      FILE_STORE_DIR: join(work, 'files'),
      // The file is the run's alone: no upload size or source quota stands in its way.
      MAX_UPLOAD_MB: String(Math.max(2048, Math.ceil(size / 1_048_576) + 1)),
      INGEST_SOURCE_QUOTA_GB: '0',
    };
    return await withProcessEnv(env, async () => {
      const app = await createCommandContext([DatabaseModule, QueueModule, IngestionModule]);
      try {
        const files = app.get(FileIngestionService);
        const t0 = Date.now();
        const up = await files.accept(
          RECORDS_SOURCE,
          createReadStream(file),
          { originalName: basename(file) },
          OPERATOR_SENDER,
        );
        const res = await files.process(up.batchId);
        if ('refused' in res) {
          const report = await app.get(IngestionService).report(up.batchId, 0);
          const why = (report.fileError as { message?: string } | null)?.message ?? res.refused;
          throw new CommandError(`${basename(file)} was refused as a whole: ${why} (整个文件被拒收)`);
        }
        const badLineSamples: BadLine[] = [];
        let seen = 0;
        for await (const r of app.get(IngestionService).allRejections(up.batchId)) {
          const line = r.rowNumber ?? r.idx + 1;
          if (++seen <= BAD_LINES_PRINTED)
            log(`  line ${line} refused 第 ${line} 行被拒收: ${r.reasons.join('; ')}`);
          badLineSamples.push({ line, reasons: r.reasons });
          if (badLineSamples.length >= BAD_LINE_SAMPLES) break; // the count is the batch's
        }
        if (res.rejected > BAD_LINES_PRINTED)
          log(`  … ${res.rejected - BAD_LINES_PRINTED} more refused lines (另有被拒收的行)`);
        log(
          `  imported ${basename(file)}: ${scan.lines} lines, ${res.rowsRead} records read, ${res.accepted} accepted ` +
            `(${res.inserted} inserted, ${res.updated} updated, ${res.unchanged} unchanged), ${res.duplicates} repeated, ` +
            `${res.rejected} refused; ${departments.length} departments created for the run ` +
            `(${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
        return {
          lines: scan.lines,
          rowsRead: res.rowsRead,
          accepted: res.accepted,
          inserted: res.inserted,
          updated: res.updated,
          unchanged: res.unchanged,
          duplicates: res.duplicates,
          badLines: res.rejected,
          badLineSamples,
          departmentsCreated: departments.length,
        };
      } finally {
        await app.close();
      }
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// --- cases ------------------------------------------------------------------------------------------

// The adverse records of the contract (API.md): narrower than the engine's own label for inspections
// (isAdverseRecord also counts a critical violation at an inspection that did not fail).
export function isContractAdverse(r: StoredRecord): boolean {
  switch (r.kind) {
    case 'inspection':
      return (r as StoredRecord<'inspection'>).data.result === 'fail';
    case 'penalty':
      return true;
    case 'listing':
      return (r as StoredRecord<'listing'>).data.action === 'added';
    default:
      return false;
  }
}

// Every entity with a record in (asOf, end], scored as of asOf. Days earlier: the entity's first
// routine inspection in the window (trigger `random` or not given), and whether it failed.
export function recordsCases(
  records: ReadonlyMap<string, readonly StoredRecord[]>,
  asOf: string,
  end: string,
): EvalCase[] {
  const out: EvalCase[] = [];
  for (const [entityId, list] of records) {
    const inside = list.filter((r) => r.occurredAt > asOf && r.occurredAt <= end);
    if (!inside.length) continue;
    const visit = inside
      .filter(
        (r): r is StoredRecord<'inspection'> =>
          r.kind === 'inspection' &&
          ((r as StoredRecord<'inspection'>).data.trigger ?? 'random') === 'random',
      )
      .sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0))[0];
    out.push({
      key: entityId,
      entityId,
      asOf,
      label: inside.some(isContractAdverse) ? 1 : 0,
      ...(visit
        ? { inspection: { date: visit.occurredAt, label: visit.data.result === 'fail' ? 1 : 0 } }
        : {}),
    });
  }
  // In id order (ids are bigint text), so the figures never depend on the order of the map.
  return out.sort((a, b) => a.entityId.length - b.entityId.length || (a.entityId < b.entityId ? -1 : 1));
}

// Deterministic 1-in-5 split of entities by id (as the synthetic data set's), for choosing λ when the
// history is too short for a split in time.
function heldOut(entityId: string): boolean {
  let h = 2166136261;
  for (let i = 0; i < entityId.length; i++) h = Math.imul(h ^ entityId.charCodeAt(i), 16777619);
  return (h >>> 0) % 5 === 0;
}

const hasBothClasses = (cases: readonly EvalCase[]) =>
  cases.some((c) => c.label === 1) && cases.some((c) => c.label === 0);

// Training cases of `npm run fit -- --records`: the training window ends at asOf. Cases scored as of
// asOf − N (labels in (asOf − N, asOf]) choose λ; those scored as of asOf − 2N (labels in
// (asOf − 2N, asOf − N]) are fitted on — a split in time inside the training window, like Chicago's.
// When the earlier window lacks either class, λ is chosen on a 1-in-5 sample of the later window's
// entities instead. The model is finally fitted on all training cases.
function trainingCases(
  records: ReadonlyMap<string, readonly StoredRecord[]>,
  asOf: string,
  n: number,
): { train: EvalCase[]; validation: string } {
  const t0 = shiftDays(asOf, -n);
  const t1 = shiftDays(asOf, -2 * n);
  const late = recordsCases(records, t0, asOf);
  const early = recordsCases(records, t1, t0);
  if (hasBothClasses(early) && hasBothClasses(late))
    return {
      train: [
        ...early.map((c) => ({ ...c, key: `${c.entityId}@${t1}`, validation: false })),
        ...late.map((c) => ({ ...c, key: `${c.entityId}@${t0}`, validation: true })),
      ],
      validation: `λ chosen on the cases scored as of ${t0} (outcomes in (${t0}, ${asOf}]), fitted on those scored as of ${t1}`,
    };
  return {
    train: late.map((c) => ({ ...c, validation: heldOut(c.entityId) })),
    validation: `λ chosen on a fixed 1-in-5 sample of the entities (the history before ${t0} has too few cases of either class for a split in time)`,
  };
}

export interface RecordsDataset extends LoadedDataset {
  horizonEnd: string;
  imported: ImportFacts;
  scratchDatabase: string;
}

// Loads the file into a scratch database of its own (a random suffix: two runs at once never share
// one) and runs `fn` on it; database and queues are removed afterwards, also on failure (the
// database kept with --keep).
export async function withRecords<T>(
  env: EvalEnv,
  opts: RecordsLoadOptions,
  fn: (data: RecordsDataset) => Promise<T>,
): Promise<T> {
  const t0 = Date.now();
  const scan = await scanFile(opts.file);
  if (!scan.contentLines)
    throw new CommandError(`${basename(opts.file)} holds no records: every line is blank (文件中没有记录)`);
  const name = `${opts.purpose}_records_${randomBytes(3).toString('hex')}`;
  const scratch = new Scratch(env, name);
  opts.log(
    `scratch database ${scratch.databaseName} (queue prefix ${scratch.prefix})` +
      (opts.keep ? ', kept afterwards' : ', dropped afterwards'),
  );
  return withScratch(env, name, { keep: opts.keep }, async (s) => {
    const imported = await importRecords(s, opts.file, scan, opts.log);
    if (!imported.accepted)
      throw new CommandError(
        `${basename(opts.file)} holds no usable record: all ${imported.badLines} records were refused (文件中没有可用的记录)`,
      );
    const { entities, records, departments } = await loadAll(s.url);
    const horizonEnd = shiftDays(opts.asOf, opts.horizonDays);
    const test = recordsCases(records, opts.asOf, horizonEnd);
    const training = opts.purpose === 'fit' ? trainingCases(records, opts.asOf, opts.horizonDays) : undefined;
    const label = `an adverse record in the horizon: an inspection with result fail, any penalty, a listing added (API.md)`;
    return fn({
      name: 'records',
      entities,
      records,
      departments,
      test,
      train: training?.train ?? [],
      text: {
        label,
        test: `entities with a record in (${opts.asOf}, ${horizonEnd}], scored as of ${opts.asOf} with the records dated on or before it`,
        train: `entities with a record in the ${opts.horizonDays} days before ${opts.asOf} (and the ${opts.horizonDays} before those), scored as of the start of that window`,
        validation: training?.validation ?? '',
      },
      published: [],
      facts: {
        file: basename(opts.file),
        lines: imported.lines,
        accepted: imported.accepted,
        refused: imported.badLines,
        entities: entities.size,
      },
      loadSeconds: (Date.now() - t0) / 1000,
      horizonEnd,
      imported,
      scratchDatabase: scratch.databaseName,
    });
  });
}
