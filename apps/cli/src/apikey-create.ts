import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessRepository, AuditRepository, createApiKeyAccount, createDataSource } from '@lianjian/database';
import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { type Args, CommandError, printJsonLine, runCommand, UsageError } from './command';

const OPTIONS = { source: 'strings', department: 'string', name: 'string' } as const;

// npm run apikey:create -- --source S [--source S2 …] [--department D] [--name N]: an API key for a
// departmental system (接口密钥), scoped to its sources: it may send records and files for them,
// read their batches, and read and acknowledge its department's deliveries — nothing else. The
// department defaults to the source profile's (config/sources/S.json). The key is printed once; only
// its hash is stored. The last line is JSON (without the key).
runCommand({
  name: 'apikey:create',
  usage: '--source S [--source S2 …] [--department D] [--name N]',
  options: OPTIONS,
  run: createKey,
});

async function createKey(args: Args<typeof OPTIONS>): Promise<void> {
  const sources = args.source ?? [];
  if (!sources.length) throw new UsageError('--source is required');
  const env = parseEnv(baseEnvSchema, process.env);
  let department = args.department;
  if (!department) {
    const profile = join(env.CONFIG_DIR, 'sources', `${sources[0]}.json`);
    if (existsSync(profile))
      department = (JSON.parse(readFileSync(profile, 'utf8')) as { departmentCode?: string }).departmentCode;
    if (!department)
      throw new CommandError(
        `source ${sources[0]} has no profile in ${env.CONFIG_DIR}/sources: give --department`,
      );
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
    printJsonLine({ apikey: 'create', id: row.id, department: row.departmentCode, sources: row.sources });
  } finally {
    await ds.destroy();
  }
}
