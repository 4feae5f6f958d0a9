import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { apiEnvSchema } from './api-env';
import { apiDocument } from './bootstrap';

// node scripts/run.js apps/api/src/openapi OUT.json — writes the OpenAPI document of every route
// (what /docs-json serves) without a database or Redis: the application is built in Nest's preview
// mode, which reads the modules' routes and metadata without instantiating providers. The build
// turns it into the console's typed client (apps/console/src/api/schema.d.ts).
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: openapi OUT.json');
  // Placeholders only: nothing connects in preview mode.
  const cfg = apiEnvSchema.parse({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://preview@127.0.0.1:1/preview',
    REDIS_URL: 'redis://127.0.0.1:1',
  });
  const app = await NestFactory.create(AppModule.forRoot(cfg), { preview: true, logger: false });
  const doc = apiDocument(app);
  await app.close();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  console.log(`openapi: ${Object.keys(doc.paths).length} paths written to ${out}`);
}

main().catch((e: unknown) => {
  console.error(`openapi: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
