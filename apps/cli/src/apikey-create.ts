import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessRepository, AuditRepository, createApiKeyAccount, createDataSource } from '@lianjian/database';
import { baseEnvSchema, DomainError, EnvValidationError, parseEnv } from '@lianjian/common';
import { parseArgs } from './args';

// npm run apikey:create -- --source S [--source S2 …] [--department D] [--name N]: an API key for a
// departmental system (接口密钥), scoped to its sources: it may send records and files for them,
// read their batches, and read and acknowledge its department's deliveries — nothing else. The
// department defaults to the source profile's (config/sources/S.json). The key is printed once; only
// its hash is stored. The last line is JSON (without the key).
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const sources: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--source' && argv[i + 1] !== undefined) sources.push(argv[++i]);
    else if (argv[i].startsWith('--source=')) sources.push(argv[i].slice('--source='.length));
    else rest.push(argv[i]);
  }
  const args = parseArgs(rest, { department: 'string', name: 'string' });
  if (!sources.length) {
    console.error('usage: npm run apikey:create -- --source S [--source S2] [--department D] [--name N]');
    return 1;
  }
  const env = parseEnv(baseEnvSchema, process.env);
  let department = args.department as string | undefined;
  if (!department) {
    const profile = join(env.CONFIG_DIR, 'sources', `${sources[0]}.json`);
    if (existsSync(profile))
      department = (JSON.parse(readFileSync(profile, 'utf8')) as { departmentCode?: string }).departmentCode;
    if (!department) {
      console.error(`source ${sources[0]} has no profile in ${env.CONFIG_DIR}/sources: give --department`);
      return 1;
    }
  }
  const ds = createDataSource(env.DATABASE_URL, 2);
  await ds.initialize();
  try {
    const { key, row } = await createApiKeyAccount(
      new AccessRepository(ds),
      new AuditRepository(ds),
      { name: args.name, departmentCode: department, sources },
      { actor: 'system:apikey-create', role: 'system', source: 'cli' },
    );
    console.log(`API key ${row.id} for ${row.departmentCode}, sources ${row.sources.join(', ')}:`);
    console.log(`  ${key}`);
    console.log('send it as the X-Api-Key header; it is shown only now (only its hash is stored)');
    console.log(
      JSON.stringify({ apikey: 'create', id: row.id, department: row.departmentCode, sources: row.sources }),
    );
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(`API key not created: ${e.message}`);
      for (const d of e.details) console.error(`  - ${String(d)}`);
      return 1;
    }
    throw e;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(
      e instanceof EnvValidationError ? e.message : `apikey:create failed: ${(e as Error).message}`,
    );
    process.exit(1);
  },
);
