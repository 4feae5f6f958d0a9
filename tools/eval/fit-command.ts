import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseEnv } from '@lianjian/common';
import {
  auc,
  chooseL2,
  choosePdo,
  designFactors,
  designRow,
  expectedSign,
  FEATURE_NAMES,
  fitFineTable,
  fitIndustryTable,
  fitLogisticWithSigns,
  fittedScorecard,
  loadScorecard,
  predictLogit,
} from '@lianjian/scoring';
import { type Args, type Command, CommandError, printJsonLine, UsageError } from '../../apps/cli/src/command';
import {
  figures,
  printComparison,
  readScorecard,
  references,
  round,
  scoreCases,
  summarize,
} from './backtest';
import { type DatasetName, evalEnvSchema, type LoadedDataset, withDataset } from './data';
import { EVAL_OPTIONS, evalInput } from './options';
import { withRecords } from './records';
import {
  calibrate,
  calibrationFigures,
  calibrationJson,
  cardFile,
  evaluationEntry,
  mixOf,
  printCalibration,
  readCard,
  readPolicy,
  topFactorsOf,
  writeCard,
} from './calibration-report';

const FIT_OPTIONS = {
  ...EVAL_OPTIONS,
  out: 'string',
  l2: { type: 'number', min: 0 },
  exclude: 'string',
  'train-from': 'date',
  // Keep the current model's points; fit only the calibration and the class cut points.
  calibrate: 'boolean',
  // Keep the current model's industry risk table instead of fitting one on the training cases.
  'keep-industries': 'boolean',
  // Keep the current model's department fine table (or its lack of one) instead of fitting one.
  'keep-fines': 'boolean',
} as const;

// Features never offered to the fit, per data set, and why.
const EXCLUDED: Record<DatasetName | 'records', Record<string, string>> = {
  // The licence feed dates each licence term at its start but carries the term's FINAL status
  // (cancelled, revoked): as of an inspection inside the term that status is usually not yet known.
  // A fitted weight on it would learn from the future.
  chicago: {
    entity_status_abnormal:
      'licence term status is its final status, dated at the term start (leaks the future)',
    status_changes_12m: 'same: status values of licence terms are final statuses dated at the term start',
  },
  synthetic: {},
  records: {},
};

function nextVersion(dataset: DatasetName | 'records', dir: string): { version: string; file: string } {
  for (let n = 1; ; n++) {
    const version = `scorecard-${dataset}-fit-${n}`;
    const file = join(dir, `${version}.json`);
    if (!existsSync(file)) return { version, file };
  }
}

// npm run fit: learns factor weights from history — an L2-regularised logistic regression of the
// outcome on the engine's own point-in-time profile features of the training cases (transformed and
// clipped exactly as the scorecard will apply them) — maps the coefficients to scorecard points
// (libs/scoring/src/fit/scorecard-fit.ts explains the mapping), writes the result as a NEW model
// version under config/scoring/ and backtests it next to the current model on the held-out cases.
// It activates nothing: a model becomes active only by npm run model:activate (or the API), recorded.
// With --records FILE --as-of D --horizon-days N it fits on any file of canonical records, the
// training window ending at D (records.ts), and backtests on the entities with a record after D.
export const fitCommand: Command<typeof FIT_OPTIONS> = {
  name: 'fit',
  usage:
    '--dataset chicago|synthetic [--model FILE] [--out FILE] [--calibrate] [--l2 λ] [--exclude f1,f2] [--train-from YYYY-MM-DD] ' +
    '[--keep-industries] [--keep-fines] [--data-dir DIR] [--keep] [--entities N] [--seed S] [--end YYYY-MM-DD] [--years Y]  |  ' +
    '--records FILE --as-of YYYY-MM-DD --horizon-days N [--model FILE] [--out FILE] [--l2 λ] [--exclude f1,f2] ' +
    '[--train-from YYYY-MM-DD] [--keep]',
  options: FIT_OPTIONS,
  run: (args) => fit(args),
};

async function fit(args: Args<typeof FIT_OPTIONS>): Promise<void> {
  const t0 = Date.now();
  const env = parseEnv(evalEnvSchema, process.env);
  const input = await evalInput(args, env);
  const kind = 'records' in input ? 'records' : input.dataset.dataset;
  const baseFile = args.model ?? 'config/scoring/scorecard-v2.json';
  const base = readScorecard(baseFile);
  const fixedL2 = args.l2;
  const excluded: Record<string, string> = { ...EXCLUDED[kind] };
  for (const name of String(args.exclude ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!FEATURE_NAMES.includes(name)) throw new UsageError(`--exclude: unknown feature '${name}'`);
    excluded[name] = 'excluded on the command line';
  }
  const target = args.out
    ? {
        file: args.out,
        version: args.out.replace(/^.*\//, '').replace(/\.json$/, ''),
      }
    : nextVersion(kind, 'config/scoring');
  if (existsSync(target.file))
    throw new UsageError(
      `${target.file} exists: a published model is never overwritten (choose another --out)`,
    );
  const log = (line: string) => console.log(line);
  const policy = readPolicy();

  const what =
    'records' in input
      ? `records ${relative(process.cwd(), input.records.file) || input.records.file}, training window to ${input.records.asOf}, horizon ${input.records.horizonDays} days`
      : `dataset ${input.dataset.dataset}`;
  log(`fit 拟合: ${what}, current model ${base.modelVersion}, new version ${target.version}`);
  const dataName = {
    chicago: { zh: '芝加哥食品检查', en: 'the Chicago food inspections' },
    synthetic: { zh: '合成数据', en: 'synthetic data' },
    records: {
      zh: `标准记录文件 ${'records' in input ? basename(input.records.file) : ''}`,
      en: `the canonical records of ${'records' in input ? basename(input.records.file) : ''}`,
    },
  }[kind];
  const body = async (data: LoadedDataset) => {
    log(`  label 标签: ${data.text.label}`);
    log(`  training 训练: ${data.text.train}; ${data.text.validation}`);
    log(`  held out 检验: ${data.text.test}`);

    // Profiles of the training cases, with the current model's profile settings (kept by the new one).
    const trainFrom = args['train-from'];
    const trainCases = trainFrom ? data.train.filter((c) => c.asOf >= trainFrom) : data.train;
    if (trainFrom) log(`  training cases scored as of ${trainFrom} or later only (--train-from)`);
    // The new version: its points (fitted, or the current model's with --calibrate), a Platt calibration
    // on the training cases and class cut points set on the probability by the class-mix policy; then
    // the backtest on the held-out cases beside the current model, the model file and its card.
    const publish = async (
      draft: Record<string, unknown>,
      how: { fit: 'logistic-l2' | 'calibration-only'; l2: number | null; pdo: number | null },
    ) => {
      const uncalibrated = loadScorecard(JSON.parse(JSON.stringify(draft)));
      // Calibration and class cut points on the latest part of the training window (the cases λ is
      // chosen on, when the split is in time): the population most like the one the model will score
      // today. Earlier cases have less history behind them, so lower scores, and would set the cut
      // points too low (on the demo province, D 3.7% instead of about 2%).
      const latest = trainCases.filter((c) => c.validation);
      const calibrationCases =
        latest.some((c) => c.label === 1) && latest.some((c) => c.label === 0) ? latest : trainCases;
      if (calibrationCases !== trainCases)
        log(
          `  calibration 校准 on the ${calibrationCases.length} latest training cases (${data.text.validation})`,
        );
      const trainScored = scoreCases(data, calibrationCases, uncalibrated);
      const history = {
        outcome: data.text.label,
        fittedOn: `${dataName.en}: ${data.text.train}`,
        ...(kind === 'chicago'
          ? {}
          : {
              horizonMonths:
                'records' in input ? Math.max(1, Math.round(input.records.horizonDays / 30.44)) : 12,
            }),
      };
      const { classThresholds, calibration } = calibrate(uncalibrated, trainScored, policy, history);
      const t = classThresholds;
      const p = calibration.probabilityThresholds;
      const pc = (x: number) => `${round(100 * x, 1)}%`;
      const classText = {
        zh:
          `分类阈值按分类结构政策 ${policy.id} 在校准概率上设定：B ≥ ${t.B} 分（概率 ${pc(p.B)}），C ≥ ${t.C} 分（${pc(p.C)}），D ≥ ${t.D} 分（${pc(p.D)}）；` +
          `概率 = σ(${calibration.a} + ${calibration.b} × 原始分)（Platt 校准，${calibration.cases} 个训练样本）。`,
        en:
          `Class cut points set on the calibrated probability by class-mix policy ${policy.id}: B ≥ ${t.B} points (p ${pc(p.B)}), ` +
          `C ≥ ${t.C} (${pc(p.C)}), D ≥ ${t.D} (${pc(p.D)}); p = σ(${calibration.a} + ${calibration.b} × raw score) ` +
          `(Platt calibration on the ${calibration.cases} training cases).`,
      };
      const desc = (draft.description ?? { zh: '', en: '' }) as { zh: string; en: string };
      const scorecard = {
        ...draft,
        description: { zh: `${desc.zh}${classText.zh}`, en: `${desc.en} ${classText.en}`.trim() },
        classThresholds,
        calibration,
      };
      const fitted = loadScorecard(JSON.parse(JSON.stringify(scorecard))); // what the service would load
      log(
        `  ${target.version}: base ${fitted.basePoints} points; factors (points per unit of the transformed value):`,
      );
      for (const f of fitted.factors)
        log(
          `    ${f.feature.padEnd(34)} ${(f.transform ?? 'linear').padEnd(7)} ${String(f.points).padStart(10)}` +
            `${f.cap !== undefined ? `  cap ±${f.cap}` : ''}`,
        );
      log(
        `  calibration 校准: p = σ(${calibration.a} + ${calibration.b} × raw score) on ${calibration.cases} training cases`,
      );
      log(
        `  class cut points 分类阈值 (policy ${policy.id}): B ${t.B} (p ${pc(p.B)}), C ${t.C} (p ${pc(p.C)}), D ${t.D} (p ${pc(p.D)})`,
      );
      const trainFinal = scoreCases(data, calibrationCases, fitted);
      const trainMix = mixOf(trainFinal, policy);
      log(
        `  training mix 训练样本分类结构: ${(['A', 'B', 'C', 'D'] as const).map((k) => `${k} ${pc(trainMix.shares[k])}`).join(', ')}`,
      );

      // A records file may end at the training window: then there is nothing held out to backtest on.
      const heldOut = data.test.length > 0;
      const currentScored = heldOut ? scoreCases(data, data.test, base) : [];
      const mineScored = heldOut ? scoreCases(data, data.test, fitted) : [];
      const current = heldOut ? summarize(currentScored) : undefined;
      const mine = heldOut ? summarize(mineScored) : undefined;
      const refs = heldOut ? references(data, data.test) : [];
      const mineCal = calibrationFigures(fitted, mineScored);
      const mineMix = mixOf(mineScored, policy);
      if (current && mine) {
        log(`  backtest on the held-out cases 留出样本回测: ${data.text.test}`);
        printComparison(
          [
            { name: base.modelVersion, s: current },
            { name: fitted.modelVersion, s: mine },
          ],
          refs,
          data.published,
          log,
        );
        printCalibration(fitted, mineScored, mineCal, mineMix, log);
      } else
        log(
          `  no entity has a record after the training window: the fitted card is not backtested on held-out cases ` +
            `(训练窗口之后没有记录，未做留出样本回测)`,
        );

      writeFileSync(target.file, `${JSON.stringify(scorecard, null, 2)}\n`);
      log(
        `wrote ${relative(process.cwd(), target.file) || target.file} (not activated: npm run model:activate -- --version <version> --by WHO --reason WHY)`,
      );
      const datasetName = 'records' in input ? `records:${basename(input.records.file)}` : kind;
      const today = new Date().toISOString().slice(0, 10);
      const command = `npm run fit -- ${process.argv.slice(2).join(' ')}`.trim();
      const cardOf = (
        m: typeof fitted,
        scoredTrain: typeof trainFinal,
        s: typeof mine,
        cal: typeof mineCal,
        mix: typeof mineMix,
        training: boolean,
        summary: { zh: string; en: string },
      ) => ({
        modelVersion: m.modelVersion,
        writtenAt: today,
        writtenBy: command,
        summary,
        training: training
          ? {
              data: dataName.en,
              window: data.text.train,
              label: data.text.label,
              cases: trainCases.length,
              positives: trainCases.filter((c) => c.label === 1).length,
              method:
                how.fit === 'logistic-l2'
                  ? `L2 logistic regression (λ ${how.l2}), PDO ${how.pdo}, then Platt calibration`
                  : `points of ${base.modelVersion} unchanged; Platt calibration and policy cut points only`,
            }
          : null,
        evaluations: s ? [evaluationEntry(datasetName, data.text.test, s, cal, mix)] : [],
        calibration: m.calibration
          ? {
              method: 'platt',
              formula: `p = σ(${m.calibration.a} + ${m.calibration.b} × raw score)`,
              fittedOn: m.calibration.fittedOn,
              outcome: m.calibration.outcome,
              horizonMonths: m.calibration.horizonMonths ?? null,
              brier: cal.brier,
              reliability: cal.reliability.map((r) => ({
                bin: r.bin,
                n: r.n,
                predicted: round(r.predicted)!,
                observed: round(r.observed)!,
              })),
            }
          : null,
        classes: {
          thresholds: m.classThresholds,
          probabilityThresholds: m.calibration?.probabilityThresholds ?? null,
          policy: m.calibration?.policy ?? null,
          trainingMix: mixOf(scoredTrain, policy).shares,
        },
        topFactors: topFactorsOf(m, scoredTrain),
      });
      log(
        `wrote ${writeCard(
          cardOf(fitted, trainFinal, mine, mineCal, mineMix, true, {
            zh: String((fitted.description ?? fitted.name).zh),
            en: String((fitted.description ?? fitted.name).en),
          }),
        )} (model card 模型说明书)`,
      );
      // The current model gets a card too when it has none (scorecard-v1: points set by hand).
      if (!readCard(base.modelVersion)) {
        const baseTrain = scoreCases(data, trainCases, base);
        log(
          `wrote ${writeCard(
            cardOf(
              base,
              baseTrain,
              current,
              calibrationFigures(base, currentScored),
              mixOf(currentScored, policy),
              false,
              {
                zh: String((base.description ?? base.name).zh),
                en: String((base.description ?? base.name).en),
              },
            ),
          )} (model card of the current model, which had none)`,
        );
      }
      const headline = data.published[0];
      const records =
        'records' in input
          ? {
              records: relative(process.cwd(), input.records.file) || input.records.file,
              asOf: input.records.asOf,
              horizonDays: input.records.horizonDays,
              entities: mine?.n ?? 0,
              baselines: Object.fromEntries(
                refs.map((r) => [r.name, { auc: round(r.auc), daysEarlier: round(r.daysEarlier, 2) }]),
              ),
            }
          : {};
      printJsonLine({
        fit: how.fit,
        dataset: kind,
        ...records,
        modelVersion: fitted.modelVersion,
        file: relative(process.cwd(), target.file) || target.file,
        card: cardFile(fitted.modelVersion),
        currentModel: base.modelVersion,
        trainCases: trainCases.length,
        trainPositives: trainCases.filter((c) => c.label === 1).length,
        l2: how.l2,
        pdo: how.pdo,
        factors: fitted.factors.length,
        calibration: { a: calibration.a, b: calibration.b },
        classThresholds,
        probabilityThresholds: p,
        ...(mine ? figures(mine) : { auc: null, precisionAt10: null, positives: 0 }),
        ...calibrationJson(mineCal, mineMix),
        baselineAuc: round(headline?.auc ?? refs[0]?.auc),
        current: { modelVersion: base.modelVersion, ...(current ? figures(current) : {}) },
        seconds: Math.round((Date.now() - t0) / 100) / 10,
      });
    };

    if (args.calibrate) {
      log(
        `  --calibrate: the points of ${base.modelVersion} are kept; only the calibration and the class cut points are new`,
      );
      const today = new Date().toISOString().slice(0, 10);
      const baseJson = JSON.parse(readFileSync(baseFile, 'utf8')) as Record<string, unknown>;
      const baseName = base.name;
      await publish(
        {
          ...baseJson,
          modelVersion: target.version,
          name: {
            zh: `${baseName.zh}（校准版 ${target.version}）`,
            en: `${baseName.en}, calibrated (${target.version})`,
          },
          description: {
            zh: `${base.modelVersion} 的因子与分值不变，由 npm run fit --calibrate 于 ${today} 在${dataName.zh}上校准。`,
            en: `The factors and points of ${base.modelVersion}, unchanged; calibrated by npm run fit --calibrate on ${today} on ${dataName.en}.`,
          },
        },
        { fit: 'calibration-only', l2: null, pdo: null },
      );
      return;
    }

    // The industry risk table (行业风险表), fitted on the training cases unless --keep-industries: the
    // industry_risk_level feature then carries each industry's own record, and the table is the model's.
    let fitBase = base;
    let industriesFitted = false;
    if (!args['keep-industries']) {
      const { rules, fitted } = fitIndustryTable(
        trainCases.map((c) => ({
          industryCode: data.entities.get(c.entityId)?.industryCode,
          label: c.label,
        })),
        base.industryRisk,
      );
      const byLevel = [1, 2, 3].map((l) => fitted.filter((f) => f.level === l).length);
      log(
        `  industry risk table 行业风险表: ${fitted.length} industries with ≥ 30 training cases graded from their own ` +
          `adverse rate (levels 1/2/3: ${byLevel.join('/')}); the other codes keep ${base.modelVersion}'s table (--keep-industries keeps it all)`,
      );
      if (fitted.length) {
        fitBase = loadScorecard({ ...JSON.parse(JSON.stringify(base)), industryRisk: rules });
        industriesFitted = true;
      }
    }
    // The department fine table (部门罚款中位数表), fitted on the penalty records of the training window
    // (up to the latest training case's date) unless --keep-fines: fine_relative_decayed then reads each
    // fine against its department's median, and the table is the model's.
    let finesFitted = false;
    if (!args['keep-fines']) {
      const until = trainCases.reduce((m, c) => (c.asOf > m ? c.asOf : m), '');
      const table = until
        ? fitFineTable(
            (function* () {
              for (const list of data.records.values()) yield* list;
            })(),
            until,
            { fittedOn: `${dataName.en}: penalty records dated on or before ${until}` },
          )
        : null;
      if (table) {
        log(
          `  department fine table 部门罚款中位数表: ${table.overallPenalties} fines to ${until}, overall median ` +
            `${table.overallMedian} CNY; ${table.departments.length} departments with ≥ ${table.minPenalties} fines ` +
            `have their own median (--keep-fines keeps ${base.modelVersion}'s)`,
        );
        fitBase = loadScorecard({ ...JSON.parse(JSON.stringify(fitBase)), departmentFines: table });
        finesFitted = true;
      } else log(`  department fine table 部门罚款中位数表: no fine in the training window, none fitted`);
    }
    const train = scoreCases(data, trainCases, fitBase);
    const rows = train.map((t) => t.features);
    const labels = train.map((t) => t.c.label);
    const offered = FEATURE_NAMES.filter((f) => !excluded[f]);
    const { designs, dropped } = designFactors(rows, offered);
    const x = rows.map((r) => designRow(r, designs));
    const isValidation = train.map((t) => Boolean(t.c.validation));
    const positives = labels.filter((l) => l === 1).length;
    if (!positives || positives === labels.length)
      throw new CommandError(
        `the ${train.length} training cases have ${positives ? 'no negative' : 'no positive'} outcome: nothing to fit ` +
          `(训练样本${positives ? '没有负例' : '没有正例'}，无法拟合)`,
      );
    if (fixedL2 === undefined && (isValidation.every(Boolean) || !isValidation.some(Boolean)))
      throw new CommandError(
        `the ${train.length} training cases are too few to set some aside for choosing λ: give --l2 ` +
          `(训练样本过少，无法留出验证样本选择 λ，请指定 --l2)`,
      );
    const rate = positives / labels.length;
    log(
      `  ${train.length} training cases, ${positives} positives (${(100 * rate).toFixed(1)}%), ` +
        `${isValidation.filter(Boolean).length} of them for choosing λ; ${designs.length} factors offered to the fit`,
    );
    for (const [f, why] of Object.entries(excluded)) log(`    not offered: ${f} — ${why}`);
    const constant = dropped.filter((d) => d.reason.startsWith('constant'));
    if (constant.length)
      log(`    not fitted, constant in the training cases: ${constant.map((d) => d.feature).join(', ')}`);
    for (const d of dropped.filter((x) => !constant.includes(x)))
      log(`    not fitted: ${d.feature} — ${d.reason}`);

    // Adverse signals may only add points (expectedSign); a factor whose fitted sign says otherwise is
    // left out and the rest refitted.
    const signs = designs.map((d) => expectedSign(d.feature));
    const fitSigned = (r: readonly (readonly number[])[], l: readonly (0 | 1)[], lambda: number) =>
      fitLogisticWithSigns(r, l, signs, { l2: lambda });
    const choice =
      fixedL2 === undefined
        ? chooseL2(
            x,
            labels,
            isValidation,
            undefined,
            (r, l, lambda) => fitSigned(r, l as (0 | 1)[], lambda).model,
          )
        : undefined;
    if (choice)
      log(
        `  λ by validation log-loss: ${choice.tried.map((t) => `${t.l2} → ${t.validationLogLoss.toFixed(5)}`).join(', ')}; chosen ${choice.l2}`,
      );
    const l2 = fixedL2 ?? choice!.l2;
    const { model, removed } = fitSigned(x, labels, l2);
    for (const j of removed)
      log(
        `    left out: ${designs[j].feature} — its fitted weight would LOWER the score for an adverse signal (sign constraint)`,
      );
    const logits = x.map((row) => predictLogit(model, row));
    // Out of sample: fitted without the validation cases, scored on them.
    const early = fitSigned(
      x.filter((_, i) => !isValidation[i]),
      labels.filter((_, i) => !isValidation[i]),
      l2,
    ).model;
    const validationAuc = auc(
      x.filter((_, i) => isValidation[i]).map((row) => predictLogit(early, row)),
      labels.filter((_, i) => isValidation[i]),
    );
    const { pdo, clampedShare } = choosePdo(logits, rate, base.classThresholds.B, base.scoreRange);
    log(
      `  logistic regression: λ ${l2}, ${model.iterations} Newton steps${model.converged ? '' : ' (NOT converged)'}, ` +
        `training AUC ${auc(logits, labels).toFixed(3)} (in sample), validation AUC ${validationAuc.toFixed(3)} (fitted without the validation cases); ` +
        `PDO ${pdo} points double the odds (${(100 * clampedShare).toFixed(2)}% of training scores clamped to the 0–100 range)`,
    );

    const today = new Date().toISOString().slice(0, 10);
    const { scorecard, dropped: negligible } = fittedScorecard({
      base: fitBase,
      designs,
      model,
      baseRate: rate,
      pdo,
      modelVersion: target.version,
      name: {
        zh: `${dataName.zh}拟合评分卡（${target.version}）`,
        en: `Scorecard fitted on ${dataName.en} (${target.version})`,
      },
      description: {
        zh:
          `由 npm run fit 于 ${today} 拟合（L2 正则逻辑回归，λ=${l2}），训练样本 ${train.length} 个，正例率 ${(100 * rate).toFixed(1)}%；` +
          `分数 = ${base.classThresholds.B} + ${round(pdo / Math.LN2, 3)} ×（对数几率 − 基准对数几率），每 ${pdo} 分风险几率翻倍；` +
          `底线规则和画像参数沿用 ${base.modelVersion}；${!industriesFitted ? `行业风险表沿用 ${base.modelVersion}` : '行业风险表按训练样本拟合（见各条 note）'}` +
          `${finesFitted ? '；部门罚款中位数表按训练窗口内的处罚记录拟合' : ''}。未启用：需显式激活。`,
        en:
          `Fitted by npm run fit on ${today} (L2-regularised logistic regression, λ=${l2}) on ${train.length} training cases, ` +
          `${(100 * rate).toFixed(1)}% positive: ${data.text.train}; label: ${data.text.label}. ` +
          `Score = ${base.classThresholds.B} + ${round(pdo / Math.LN2, 3)} × (log-odds − base-rate log-odds): ${pdo} points double the odds. ` +
          `Floors and profile settings are those of ${base.modelVersion}; ${!industriesFitted ? `the industry table is ${base.modelVersion}'s` : 'the industry risk table is fitted on the training cases (see each rule’s note)'}` +
          `${finesFitted ? '; the department fine table is fitted on the penalty records of the training window' : ''}. Not active until activated explicitly.`,
      },
    });
    const signDropped = new Set(removed.map((j) => designs[j].feature));
    for (const d of negligible.filter((n) => !signDropped.has(n.feature)))
      log(`    left out: ${d.feature} — ${d.reason}`);
    await publish(scorecard, { fit: 'logistic-l2', l2, pdo });
  };
  if ('records' in input) await withRecords(env, { ...input.records, purpose: 'fit', log }, body);
  else await withDataset(input.dataset.dataset, env, { ...input.dataset, purpose: 'fit', log }, body);
}
