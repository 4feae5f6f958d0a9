import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { addDays, baseEnvSchema, EnvValidationError, parseEnv, todayInShanghai } from '@lianjian/common';
import { createDataSource, DatabaseModule, RuleRepository, runMigrations } from '@lianjian/database';
import { loadConfigRules, RuleBacktestService, validateRule, type RuleDefinition } from '@lianjian/rules';
import { FEATURE_NAMES, ScoringModels } from '@lianjian/scoring';
import { parseArgs } from './args';
import { databaseName, dropDatabase, recreateDatabase, withDatabase } from './db-admin';
import { seedProvince } from './seed-province';

// npm run rules:backtest [-- --rule ID[@VERSION]] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
//                         [--entities N | --database]
//
// What the rules would have raised over a past period (规则回测), per department and per ISO week,
// without storing or sending anything. By default a scratch province of N synthetic entities
// (default 20,000, five years of history up to today) is seeded and the rules of config/rules are
// replayed over the last 13 weeks; `--database` backtests the stored rules (any draft, published
// or retired version, named by --rule id@version) against DATABASE_URL's own history instead.
// The last line is JSON.

const USAGE =
  'npm run rules:backtest -- [--rule ID[@VERSION]] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--entities N | --database]';

@Module({})
class BacktestModule {
  // Built after DATABASE_URL points at the database to backtest (ConfigModule reads the environment
  // when forRoot is called).
  static forRoot(): DynamicModule {
    return {
      module: BacktestModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: (env) => parseEnv(baseEnvSchema, env),
        }),
        DatabaseModule,
      ],
      providers: [ScoringModels, RuleBacktestService],
    };
  }
}

async function main(): Promise<number> {
  const env = parseEnv(baseEnvSchema, process.env);
  const args = parseArgs(process.argv.slice(2), {
    rule: 'string',
    from: 'string',
    to: 'string',
    entities: 'number',
    database: 'boolean',
    seed: 'number',
  });
  const to = args.to ? String(args.to) : todayInShanghai();
  const from = args.from ? String(args.from) : addDays(to, -7 * 13 + 1);
  const useDatabase = Boolean(args.database);
  const entities = Number(args.entities ?? 20_000);
  if (!useDatabase && (!Number.isInteger(entities) || entities < 100))
    throw new Error(`--entities must be an integer ≥ 100\n${USAGE}`);

  let url = env.DATABASE_URL;
  let scratch: string | undefined;
  if (!useDatabase) {
    scratch = withDatabase(env.DATABASE_URL, `${databaseName(env.DATABASE_URL)}_rules_backtest`);
    url = scratch;
    await recreateDatabase(url);
    await runMigrations(url);
    const ds = createDataSource(url, 2);
    await ds.initialize();
    try {
      const seeded = await seedProvince(ds, { entities, seed: Number(args.seed ?? 7), end: to, years: 5 });
      console.log(`seeded ${entities} entities with five years of history in ${seeded.seconds.toFixed(1)} s`);
      await ds.query('ANALYZE');
    } finally {
      await ds.destroy();
    }
  }
  process.env.DATABASE_URL = url;
  const app = await NestFactory.createApplicationContext(BacktestModule.forRoot(), {
    logger: ['error', 'warn'],
  });
  try {
    const rules = await pickRules(app.get(RuleRepository), env.CONFIG_DIR, useDatabase, args.rule as string);
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
    console.log(
      JSON.stringify({
        bench: 'rules-backtest',
        from,
        to,
        entities: useDatabase ? null : entities,
        rules: summary,
      }),
    );
    return 0;
  } finally {
    await app.close();
    if (scratch) await dropDatabase(scratch).catch(() => undefined);
  }
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
    if (!rows.length) throw new Error(`no stored rule ${wanted ?? '(none published)'}\n${USAGE}`);
    return rows.map((r) => {
      const v = validateRule(r.definition, { profileFeatures: FEATURE_NAMES });
      if (!v.ok)
        throw new Error(`stored rule ${r.id} v${r.version} does not validate: ${v.errors.join('; ')}`);
      return v.rule;
    });
  }
  const rules = loadConfigRules(configDir);
  const picked = id ? rules.filter((r) => r.id === id) : rules;
  if (!picked.length) throw new Error(`no rule ${id} in ${configDir}/rules\n${USAGE}`);
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

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(
      e instanceof EnvValidationError ? e.message : `rules:backtest failed: ${(e as Error).message}`,
    );
    process.exit(1);
  },
);
