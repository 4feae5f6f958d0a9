import { relative } from 'node:path';
import { parseEnv } from '@lianjian/common';
import type { Scorecard } from '@lianjian/scoring';
import { type Args, type Command, CommandError, printJsonLine } from '../../apps/cli/src/command';
import { EVAL_OPTIONS, EVAL_USAGE, evalInput } from './options';
import {
  DECAYED_SEVERITY,
  type Reference,
  figures,
  printComparison,
  readScorecard,
  references,
  round,
  scoreCases,
  summarize,
} from './backtest';
import { type EvalEnv, evalEnvSchema, withDataset } from './data';
import { type RecordsOptions, withRecords } from './records';
import {
  calibrationFigures,
  calibrationJson,
  evaluationEntry,
  mixOf,
  printCalibration,
  readCard,
  readPolicy,
  withEvaluation,
  writeCard,
} from './calibration-report';

// The model `npm run eval` (and eval:planning) backtests unless --model says otherwise: the shipped default.
export const DEFAULT_MODEL_FILE = 'config/scoring/scorecard-v2.json';

// npm run eval: backtests a scorecard — every case scored as of a past date with only what was known
// then, against what happened next — and prints AUC, precision and lift at the top 5% / 10%, how many
// days earlier inspections in score order would have found the violations, and the class
// distribution of the positives, beside the published figures and the yardsticks computed on the same
// cases. The last line is JSON. The cases come from a data set (--dataset) or from any NDJSON file of
// canonical records (--records, records.ts).
export const evalCommand: Command<typeof EVAL_OPTIONS> = {
  name: 'eval',
  usage: EVAL_USAGE,
  options: EVAL_OPTIONS,
  run: (args) => evaluate(args),
};

async function evaluate(args: Args<typeof EVAL_OPTIONS>): Promise<void> {
  const t0 = Date.now();
  const env = parseEnv(evalEnvSchema, process.env);
  const input = await evalInput(args, env);
  const modelFile = args.model ?? DEFAULT_MODEL_FILE;
  const model = readScorecard(modelFile);
  const log = (line: string) => console.log(line);
  if ('records' in input) {
    printJsonLine(await evaluateRecords(env, input.records, model, log, modelFile));
    return;
  }
  const opts = input.dataset;

  log(
    `backtest 回测: dataset ${opts.dataset}, model ${model.modelVersion} (${relative(process.cwd(), modelFile) || modelFile})`,
  );
  await withDataset(opts.dataset, env, { ...opts, purpose: 'eval', log }, async (data) => {
    log(`  label 标签: ${data.text.label}`);
    log(`  cases 样本: ${data.text.test}`);
    log(`  facts: ${JSON.stringify(data.facts)}`);
    const tScore = Date.now();
    const scored = scoreCases(data, data.test, model);
    const s = summarize(scored);
    const scoreSeconds = (Date.now() - tScore) / 1000;
    const refs: Reference[] = references(data, data.test);
    log(
      `  scored ${scored.length} cases in ${scoreSeconds.toFixed(1)} s (data loaded in ${data.loadSeconds.toFixed(1)} s); ` +
        `${scored.filter((x) => x.features.related_legal_rep_flagged > 0 || x.features.related_address_flagged > 0).length} ` +
        `with a flagged related party as of their date (关联方)`,
    );
    printComparison([{ name: model.modelVersion, s }], refs, data.published, log);
    const policy = readPolicy();
    const cal = calibrationFigures(model, scored);
    const mix = mixOf(scored, policy);
    printCalibration(model, scored, cal, mix, log);
    if (args.card) recordInCard(model, evaluationEntry(opts.dataset, data.text.test, s, cal, mix), log);

    const naive = refs[0];
    const headline = data.published[0];
    printJsonLine({
      eval: 'backtest',
      dataset: opts.dataset,
      modelVersion: model.modelVersion,
      ...figures(s),
      ...calibrationJson(cal, mix),
      baselineAuc: round(headline?.auc ?? naive.auc),
      baseline: headline?.name ?? naive.name,
      baselines: baselinesJson([...data.published, ...refs]),
      ...(opts.dataset === 'synthetic'
        ? { entities: opts.entities, seed: opts.seed, end: opts.end, years: opts.years, T: data.facts.T }
        : { testPeriod: '2014-09-02..2014-10-31' }),
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    });
  });
}

// eval --card: the figures go into the model's card, in place of an earlier evaluation on the data set.
function recordInCard(
  model: Scorecard,
  entry: Parameters<typeof withEvaluation>[1],
  log: (line: string) => void,
): void {
  const card = readCard(model.modelVersion);
  if (!card) {
    log(`  ${model.modelVersion} has no model card to record the figures in (npm run fit writes one)`);
    return;
  }
  log(`  recorded in ${writeCard(withEvaluation(card, entry))}`);
}

function baselinesJson(refs: readonly { name: string; auc: number; daysEarlier?: number }[]) {
  return Object.fromEntries(
    refs.map((r) => [r.name, { auc: round(r.auc), daysEarlier: round(r.daysEarlier, 2) }]),
  );
}

// The closing JSON of a backtest on a records file (API.md: at least auc, precisionAt10, entities,
// positives).
export interface RecordsEvalResult {
  eval: 'backtest';
  records: string;
  asOf: string;
  horizonDays: number;
  horizonEnd: string;
  modelVersion: string;
  auc: number | null;
  precisionAt10: number | null;
  daysEarlier: number | null;
  entities: number; // the cases: entities with a record in (asOf, horizonEnd]
  positives: number;
  baselineAuc: number | null; // the decayed severity count's
  baseline: string;
  baselines: Record<string, { auc: number | null; daysEarlier: number | null }>;
  lines: number;
  recordsAccepted: number;
  badLines: number;
  badLineNumbers: number[]; // the first ones (BAD_LINE_SAMPLES)
  duplicates: number;
  departmentsCreated: number;
  scratchDatabase: string;
  seconds: number;
  [figure: string]: unknown;
}

// npm run eval -- --records FILE --as-of D --horizon-days N: prints the figures and returns the JSON
// of the last line.
export async function evaluateRecords(
  env: EvalEnv,
  opts: RecordsOptions,
  model: Scorecard,
  log: (line: string) => void,
  modelFile = DEFAULT_MODEL_FILE,
): Promise<RecordsEvalResult> {
  const t0 = Date.now();
  log(
    `backtest 回测: records ${relative(process.cwd(), opts.file) || opts.file} as of ${opts.asOf}, ` +
      `horizon ${opts.horizonDays} days, model ${model.modelVersion} (${relative(process.cwd(), modelFile) || modelFile})`,
  );
  return withRecords(env, { ...opts, purpose: 'eval', log }, async (data) => {
    log(`  label 标签: ${data.text.label}`);
    log(`  cases 样本: ${data.text.test}`);
    if (!data.test.length)
      throw new CommandError(
        `no entity has a record in (${opts.asOf}, ${data.horizonEnd}]: nothing to evaluate ` +
          `(观察期内没有任何主体的记录，无法评估)`,
      );
    const tScore = Date.now();
    const scored = scoreCases(data, data.test, model);
    const s = summarize(scored);
    const refs = references(data, data.test);
    log(
      `  scored ${s.n} entities in ${((Date.now() - tScore) / 1000).toFixed(1)} s (data loaded in ${data.loadSeconds.toFixed(1)} s)`,
    );
    if (!s.positives || s.positives === s.n)
      log(
        `  every case has the same label (${s.positives} positives of ${s.n}): AUC is undefined ` +
          `(所有样本标签相同，AUC 无定义)`,
      );
    printComparison([{ name: model.modelVersion, s }], refs, [], log);
    const cal = calibrationFigures(model, scored);
    const mix = mixOf(scored, readPolicy());
    printCalibration(model, scored, cal, mix, log);
    const severity = refs.find((r) => r.name === DECAYED_SEVERITY)!;
    const f = figures(s);
    return {
      eval: 'backtest',
      records: relative(process.cwd(), opts.file) || opts.file,
      asOf: opts.asOf,
      horizonDays: opts.horizonDays,
      horizonEnd: data.horizonEnd,
      modelVersion: model.modelVersion,
      ...f,
      auc: round(s.auc),
      precisionAt10: round(s.precisionAt10),
      daysEarlier: round(s.schedule?.daysEarlier, 2),
      ...calibrationJson(cal, mix),
      entities: s.n,
      positives: s.positives,
      baselineAuc: round(severity.auc),
      baseline: severity.name,
      baselines: baselinesJson(refs),
      lines: data.imported.lines,
      recordsAccepted: data.imported.accepted,
      badLines: data.imported.badLines,
      badLineNumbers: data.imported.badLineSamples.map((b) => b.line),
      duplicates: data.imported.duplicates,
      departmentsCreated: data.imported.departmentsCreated,
      scratchDatabase: data.scratchDatabase,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    };
  });
}
