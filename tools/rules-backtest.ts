import { addDays, parseEnv, todayInShanghai } from '@lianjian/common';
import { DatabaseModule, RuleRepository } from '@lianjian/database';
import { loadConfigRules, RuleBacktestService, validateRule, type RuleDefinition } from '@lianjian/rules';
import { FEATURE_NAMES, ScoringModels } from '@lianjian/scoring';
import { seedProvince } from '@lianjian/seed';
import { createCommandContext } from '../apps/cli/src/app-context';
import { type Args, CommandError, printJsonLine, runCommand, UsageError } from '../apps/cli/src/command';
import { type HarnessEnv, harnessEnvSchema, withProcessEnv, withScratch } from './harness';

// npm run rules:backtest [-- --rule ID[@VERSION]] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
//                         [--entities N | --database]
//
// What the rules would have raised over a past period (规则回测), per department and per ISO week,
// without storing or sending anything. By default a scratch province of N synthetic entities
// (default 20,000, five years of history up to today) is seeded and the rules of config/rules are
// replayed over the last 13 weeks; `--database` backtests the stored rules (any draft, published
// or retired version, named by --rule id@version) against DATABASE_URL's own history instead.
// The last line is JSON. A tool for whoever writes rules, not an operator command: on an install a
// stored version is backtested through POST /api/v1/rules/{id}/versions/{v}/backtest.

const OPTIONS = {
  rule: 'string',
  from: 'date',
  to: 'date',
  entities: { type: 'integer', min: 100 },
  database: 'boolean',
  seed: 'number',
} as const;

runCommand({
  name: 'rules:backtest',
  usage: '[--rule ID[@VERSION]] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--entities N [--seed S] | --database]',
  options: OPTIONS,
  run: backtest,
});

interface Period {
  from: string;
  to: string;
  rule?: string;
}

async function backtest(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const to = args.to ?? todayInShanghai();
  const period = { from: args.from ?? addDays(to, -7 * 13 + 1), to, rule: args.rule };
  if (period.from > to) throw new UsageError('--from must not be after --to');
  if (args.database) {
    if (args.entities !== undefined || args.seed !== undefined)
      throw new UsageError('--entities and --seed seed a scratch province: not with --database');
    return replay(env, env.DATABASE_URL, period, null);
  }
  const entities = args.entities ?? 20_000;
  await withScratch(env, 'rules_backtest', {}, async (scratch) => {
    const ds = await scratch.dataSource(2);
    const seeded = await seedProvince(ds, { entities, seed: args.seed ?? 7, end: to, years: 5 });
    console.log(`seeded ${entities} entities with five years of history in ${seeded.seconds.toFixed(1)} s`);
    await ds.query('ANALYZE');
    await replay(env, scratch.url, period, entities);
  });
}

// Replays the rules on the database at `url`; `entities` is the size of the seeded province (null:
// the stored history and rules of DATABASE_URL).
async function replay(
  env: HarnessEnv,
  url: string,
  { from, to, rule }: Period,
  entities: number | null,
): Promise<void> {
  const useDatabase = entities === null;
  // The Nest context reads DATABASE_URL from the environment when it is built.
  await withProcessEnv({ DATABASE_URL: url }, async () => {
    const app = await createCommandContext([DatabaseModule], [ScoringModels, RuleBacktestService]);
    try {
      const rules = await pickRules(app.get(RuleRepository), env.CONFIG_DIR, useDatabase, rule);
      const service = app.get(RuleBacktestService);
      const summary: Record<string, unknown> = {};
      console.log(
        `backtest ${from} … ${to} (${useDatabase ? 'stored history' : `${entities} synthetic entities`})`,
      );
      for (const rule of rules) {
        if (
          rule.trigger.type === 'feed_health' ||
          rule.trigger.type === 'delivery_overdue' ||
          rule.trigger.type === 'case_overdue'
        ) {
          console.log(
            `\n${rule.id} v${rule.version}: ${rule.trigger.type} rules are observed live, not replayed`,
          );
          continue;
        }
        const r = await service.run(rule, { from, to });
        console.log(
          `\n${rule.id} v${rule.version} (${rule.severity}): ${r.alerts} alerts to ${Object.keys(r.byDepartment).length} ` +
            `departments, ${r.deliveries} deliveries, ${r.occurrences} repeats folded, ${r.suppressed} held back by ` +
            `cooldown, ${r.matched} of ${r.events} events matched (${r.seconds} s)`,
        );
        printTable(r.byDepartmentWeek, r.byWeek);
        if (r.busiest)
          console.log(
            `  busiest: ${r.busiest.department} in ${r.busiest.week} with ${r.busiest.deliveries} deliveries`,
          );
        summary[`${rule.id}@${rule.version}`] = {
          events: r.events,
          alerts: r.alerts,
          deliveries: r.deliveries,
          departments: Object.keys(r.byDepartment).length,
          busiest: r.busiest,
          byWeek: r.byWeek,
        };
      }
      printJsonLine({
        bench: 'rules-backtest',
        from,
        to,
        entities: useDatabase ? null : entities,
        rules: summary,
      });
    } finally {
      await app.close();
    }
  });
}

async function pickRules(
  repo: RuleRepository,
  configDir: string,
  useDatabase: boolean,
  wanted: string | undefined,
): Promise<RuleDefinition[]> {
  const [id, version] = (wanted ?? '').split('@');
  if (useDatabase) {
    const rows = id
      ? version
        ? [await repo.get(id, Number(version))].filter((r) => r !== undefined)
        : (await repo.versions(id)).slice(0, 1)
      : await repo.published();
    if (!rows.length) throw new CommandError(`no stored rule ${wanted ?? '(none published)'}`);
    return rows.map((r) => {
      const v = validateRule(r.definition, { profileFeatures: FEATURE_NAMES });
      if (!v.ok)
        throw new Error(`stored rule ${r.id} v${r.version} does not validate: ${v.errors.join('; ')}`);
      return v.rule;
    });
  }
  const rules = loadConfigRules(configDir);
  const picked = id ? rules.filter((r) => r.id === id) : rules;
  if (!picked.length) throw new CommandError(`no rule ${id} in ${configDir}/rules`);
  return picked;
}

// Deliveries per department (rows, busiest first, at most 12) and ISO week (columns).
function printTable(
  byDepartmentWeek: Record<string, Record<string, number>>,
  alertsByWeek: Record<string, number>,
): void {
  const weeks = [...new Set(Object.values(byDepartmentWeek).flatMap((w) => Object.keys(w)))].sort();
  if (!weeks.length) {
    console.log('  (no alerts)');
    return;
  }
  const rows = Object.entries(byDepartmentWeek)
    .map(([d, w]) => ({ d, w, total: Object.values(w).reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.d.localeCompare(b.d));
  const cell = (s: string | number) => String(s).padStart(4);
  console.log(`  ${'department'.padEnd(14)}${weeks.map((w) => cell(w.slice(-3))).join('')} total`);
  const alerts = Object.values(alertsByWeek).reduce((a, b) => a + b, 0);
  console.log(
    `  ${'(alerts)'.padEnd(14)}${weeks.map((w) => cell(alertsByWeek[w] ?? '·')).join('')} ${cell(alerts)}`,
  );
  for (const r of rows.slice(0, 12))
    console.log(`  ${r.d.padEnd(14)}${weeks.map((w) => cell(r.w[w] ?? '·')).join('')} ${cell(r.total)}`);
  if (rows.length > 12) console.log(`  … and ${rows.length - 12} more departments`);
}
