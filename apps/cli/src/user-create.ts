import 'reflect-metadata';
import { AccessRepository, AuditRepository, createDataSource, createUserAccount } from '@lianjian/database';
import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { ROLES, ROLE_LABELS } from '@lianjian/access';
import { type Args, printJsonLine, runCommand, UsageError } from './command';

const OPTIONS = {
  username: 'string',
  password: 'string',
  role: { type: 'string', choices: ROLES },
  department: 'string',
  region: 'string',
  name: 'string',
} as const;

// npm run user:create -- --username U --password P --role R [--department D] [--region CODE]
// [--name "显示名"]: creates a user on DATABASE_URL, e.g. the first administrator of a fresh install.
// The password (≥ 12 characters, three of upper/lower/digit/symbol, not the user name) is stored as a scrypt hash and never printed; `--password -` reads
// it from standard input, which keeps it out of the shell history and the process list. The last
// line is JSON.
// The DomainError of a refused account (weak password, unknown department …) is answered with its
// details and exit code 1.
runCommand({
  name: 'user:create',
  usage: `--username U --password P|- --role ${ROLES.join('|')} [--department D] [--region CODE] [--name N]`,
  options: OPTIONS,
  run: createUser,
});

async function createUser(args: Args<typeof OPTIONS>): Promise<void> {
  if (!args.username || !args.password || !args.role)
    throw new UsageError('--username, --password and --role are required');
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
    printJsonLine({ user: 'create', id: user.id, username: user.username, role: user.role });
  } finally {
    await ds.destroy();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
