import 'reflect-metadata';
import { AccessRepository, AuditRepository, createDataSource, createUserAccount } from '@lianjian/database';
import { baseEnvSchema, DomainError, EnvValidationError, parseEnv } from '@lianjian/common';
import { ROLES, ROLE_LABELS } from '@lianjian/access';
import { parseArgs } from './args';

// npm run user:create -- --username U --password P --role R [--department D] [--region CODE]
// [--name "显示名"]: creates a user on DATABASE_URL, e.g. the first administrator of a fresh install.
// The password (≥ 12 characters) is stored as a scrypt hash and never printed; `--password -` reads
// it from standard input, which keeps it out of the shell history and the process list. The last
// line is JSON.
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), {
    username: 'string',
    password: 'string',
    role: 'string',
    department: 'string',
    region: 'string',
    name: 'string',
  });
  if (!args.username || !args.password || !args.role) {
    console.error(
      `usage: npm run user:create -- --username U --password P|- --role ${ROLES.join('|')} [--department D] [--region CODE] [--name N]`,
    );
    return 1;
  }
  const password = args.password === '-' ? (await readStdin()).replace(/\r?\n$/, '') : String(args.password);
  const env = parseEnv(baseEnvSchema, process.env);
  const ds = createDataSource(env.DATABASE_URL, 2);
  await ds.initialize();
  try {
    const user = await createUserAccount(
      new AccessRepository(ds),
      new AuditRepository(ds),
      {
        username: args.username,
        password,
        role: args.role,
        departmentCode: args.department,
        regionCode: args.region,
        displayName: args.name,
      },
      { actor: 'system:user-create', role: 'system', source: 'cli' },
    );
    const scope = `${user.departmentCode ?? 'no department'}, jurisdiction ${user.regionCode ?? 'national (全国)'}`;
    console.log(
      `created user ${user.username}: ${ROLE_LABELS[user.role].en} (${ROLE_LABELS[user.role].zh}), ${scope}`,
    );
    console.log(`sign in: POST /api/v1/auth/login {"username":"${user.username}","password":"…"}`);
    console.log(JSON.stringify({ user: 'create', id: user.id, username: user.username, role: user.role }));
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(`user not created: ${e.message}`);
      for (const d of e.details) console.error(`  - ${String(d)}`);
      return 1;
    }
    throw e;
  } finally {
    await ds.destroy();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(
      e instanceof EnvValidationError ? e.message : `user:create failed: ${(e as Error).message}`,
    );
    process.exit(1);
  },
);
