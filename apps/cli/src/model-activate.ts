import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { baseEnvSchema, EnvValidationError, parseEnv } from '@lianjian/common';
import { DatabaseModule, ScoringModelRepository } from '@lianjian/database';
import { ScoringModels } from '@lianjian/scoring';
import { parseArgs } from './args';

const USAGE =
  'npm run model:activate -- --version VERSION --by WHO --reason WHY   (without --version: list the models)';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: (env) => parseEnv(baseEnvSchema, env),
    }),
    DatabaseModule,
  ],
  // Registers the scorecards of config/scoring first, so a newly fitted model can be activated at once.
  providers: [ScoringModels],
})
class ModelModule {}

// npm run model:activate: makes a scoring model the active one (启用评分模型), recording who and why.
// New scores use it from the next scoring job; runs already started keep their model.
async function main(): Promise<number> {
  parseEnv(baseEnvSchema, process.env);
  const args = parseArgs(process.argv.slice(2), { version: 'string', by: 'string', reason: 'string' });
  const app = await NestFactory.createApplicationContext(ModelModule, { logger: ['error', 'warn'] });
  try {
    const repo = app.get(ScoringModelRepository);
    if (!args.version) {
      for (const m of await repo.list())
        console.log(`${m.active ? '*' : ' '} ${m.version.padEnd(32)} ${m.source}`);
      console.log(`\n${USAGE}`);
      return 0;
    }
    if (!args.by || !args.reason) throw new Error(`--by and --reason are required\n${USAGE}`);
    const res = await repo.activate(String(args.version), String(args.by), String(args.reason));
    if (!res) throw new Error(`no scoring model ${args.version} (see npm run model:activate for the list)`);
    console.log(
      res.changed
        ? `${res.version} is now the active scoring model (was ${res.previousVersion ?? 'none'})`
        : `${res.version} was already the active scoring model`,
    );
    console.log(
      JSON.stringify({ model: res.version, previousVersion: res.previousVersion, changed: res.changed }),
    );
    return 0;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof EnvValidationError ? e.message : e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
