import { Logger } from '@nestjs/common';
import { EnvValidationError, exitOnSignals, parseEnv } from '@lianjian/common';
import { apiEnvSchema } from './api-env';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const cfg = parseEnv(apiEnvSchema, process.env);
  const app = await createApiApp(cfg);
  exitOnSignals(app, (m) => new Logger('api').log(m));
  await app.listen(cfg.PORT);
  new Logger('api').log(`listening on ${await app.getUrl()} (OpenAPI at /docs)`);
}

main().catch((e: unknown) => {
  // A configuration error names the variable; anything else is a start-up failure.
  console.error(e instanceof EnvValidationError ? e.message : e);
  process.exit(1);
});
