import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { DatabaseModule, ScoringModelRepository } from '@lianjian/database';
import { ScoringModels } from '@lianjian/scoring';
import { createCommandContext } from './app-context';
import { type Args, CommandError, printJsonLine, runCommand, UsageError } from './command';

const OPTIONS = { version: 'string', by: 'string', reason: 'string' } as const;
const USAGE = '--version VERSION --by WHO --reason WHY   (without --version: list the models)';

// npm run model:activate: makes a scoring model the active one (启用评分模型), recording who and why.
// New scores use it from the next scoring job; runs already started keep their model.
runCommand({ name: 'model:activate', usage: USAGE, options: OPTIONS, run: activate });

async function activate(args: Args<typeof OPTIONS>): Promise<number> {
  if (args.version && (!args.by || !args.reason)) throw new UsageError('--by and --reason are required');
  parseEnv(baseEnvSchema, process.env);
  // Registers the scorecards of config/scoring first, so a newly fitted model can be activated at once.
  const app = await createCommandContext([DatabaseModule], [ScoringModels]);
  try {
    const repo = app.get(ScoringModelRepository);
    if (!args.version) {
      for (const m of await repo.list())
        console.log(`${m.active ? '*' : ' '} ${m.version.padEnd(32)} ${m.source}`);
      console.log(`\nusage: npm run model:activate -- ${USAGE}`);
      return 0;
    }
    const res = await repo.activate(args.version, String(args.by), String(args.reason));
    if (!res)
      throw new CommandError(`no scoring model ${args.version} (see npm run model:activate for the list)`);
    console.log(
      res.changed
        ? `${res.version} is now the active scoring model (was ${res.previousVersion ?? 'none'})`
        : `${res.version} was already the active scoring model`,
    );
    // The model card (模型说明书): what was just activated, on what history, with what class mix.
    const card = app.get(ScoringModels).card(res.version);
    if (card) {
      console.log(`model card ${res.version}: ${card.summary.en}`);
      for (const e of card.evaluations)
        console.log(
          `  ${e.dataset}: AUC ${e.auc ?? '—'}, Brier ${e.brier ?? '—'}, class mix ` +
            (['A', 'B', 'C', 'D'] as const).map((k) => `${k} ${(100 * e.classMix[k]).toFixed(1)}%`).join(' '),
        );
    } else console.log(`${res.version} has no model card (config/scoring/cards/${res.version}.json)`);
    printJsonLine({
      model: res.version,
      previousVersion: res.previousVersion,
      changed: res.changed,
      card: card ?? null,
    });
    return 0;
  } finally {
    await app.close();
  }
}
