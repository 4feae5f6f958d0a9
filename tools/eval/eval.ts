import { relative } from 'node:path';
import { parseEnv } from '@lianjian/common';
import { type Args, printJsonLine, runCommand } from '../../apps/cli/src/command';
import { commonOptions, EVAL_OPTIONS, EVAL_USAGE } from './options';
import {
  type Reference,
  figures,
  printComparison,
  readScorecard,
  references,
  round,
  scoreCases,
  summarize,
} from './backtest';
import { evalEnvSchema, withDataset } from './data';

// npm run eval: backtests a scorecard — every case scored as of a past date with only what was known
// then, against what happened next — and prints AUC, precision and lift at the top 5% / 10%, how many
// days earlier inspections in score order would have found the violations, and the class
// distribution of the positives, beside the published figures. The last line is JSON.
runCommand({ name: 'eval', usage: EVAL_USAGE, options: EVAL_OPTIONS, run: evaluate });

async function evaluate(args: Args<typeof EVAL_OPTIONS>): Promise<void> {
  const t0 = Date.now();
  const env = parseEnv(evalEnvSchema, process.env);
  const opts = commonOptions(args, env);
  const modelFile = args.model ?? 'config/scoring/scorecard-v1.json';
  const model = readScorecard(modelFile);
  const log = (line: string) => console.log(line);

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

    const naive = refs[0];
    const headline = data.published[0];
    printJsonLine({
      eval: 'backtest',
      dataset: opts.dataset,
      modelVersion: model.modelVersion,
      ...figures(s),
      baselineAuc: round(headline?.auc ?? naive.auc),
      baseline: headline?.name ?? naive.name,
      baselines: Object.fromEntries(
        [...data.published, ...refs].map((r) => [
          r.name,
          { auc: round(r.auc), daysEarlier: round(r.daysEarlier, 2) },
        ]),
      ),
      ...(opts.dataset === 'synthetic'
        ? { entities: opts.entities, seed: opts.seed, end: opts.end, years: opts.years, T: data.facts.T }
        : { testPeriod: '2014-09-02..2014-10-31' }),
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    });
  });
}
