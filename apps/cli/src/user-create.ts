import 'reflect-metadata';
import {
  AccessRepository,
  AuditRepository,
  createDataSource,
  createUserAccount,
  issueEnrolmentCode,
} from '@lianjian/database';
import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { isAdminRole, NATIONAL, ROLES, ROLE_LABELS } from '@lianjian/access';
import { type Args, printJsonLine, runCommand, UsageError } from './command';

const OPTIONS = {
  username: 'string',
  password: 'string',
  role: { type: 'string', choices: ROLES },
  department: 'string',
  region: 'string',
  name: 'string',
} as const;

// npm run user:create -- --username U --password P --role R --region CODE|national [--department D]
// [--name "显示名"]: creates a user on DATABASE_URL: the operator's way to create the first
// administrators of a fresh install (三员: a security administrator, a system administrator and an
// audit administrator, e.g. --region national), who manage everyone else through the API, where
// another administrator needs a second one's confirmation. Run by the operator on the database, it
// is not confined to a jurisdiction and needs no confirmation. Each administrator enrols a second
// factor (TOTP) at their first sign-in, with the one-time enrolment code printed here.
// The password (≥ 12 characters, three of upper/lower/digit/symbol, not the user name) is stored as a scrypt hash and never printed; `--password -` reads
// it from standard input, which keeps it out of the shell history and the process list. The last
// line is JSON.
// The DomainError of a refused account (weak password, unknown department …) is answered with its
// details and exit code 1.
runCommand({
  name: 'user:create',
  usage: `--username U --password P|- --role ${ROLES.join('|')} --region CODE|${NATIONAL} [--department D] [--name N]`,
  options: OPTIONS,
  run: createUser,
});

async function createUser(args: Args<typeof OPTIONS>): Promise<void> {
  if (!args.username || !args.password || !args.role || !args.region)
    throw new UsageError(
      `--username, --password, --role and --region are required (--region ${NATIONAL} for a national jurisdiction)`,
    );
  const password = args.password === '-' ? (await readStdin()).replace(/\r?\n$/, '') : String(args.password);
  const env = parseEnv(baseEnvSchema, process.env);
  const ds = createDataSource(env.DATABASE_URL, 2);
  await ds.initialize();
  try {
    const access = new AccessRepository(ds);
    const audit = new AuditRepository(ds);
    const user = await createUserAccount(
      access,
      audit,
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
    // An administrator enrols only with a one-time enrolment code: hand it over apart from the password.
    const enrolment = isAdminRole(user.role)
      ? await issueEnrolmentCode(access, audit, user, {
          actor: 'system:user-create',
          role: 'system',
          source: 'cli',
        })
      : undefined;
    if (enrolment)
      console.log(
        `an administrator enrols a second factor at the first sign-in with the one-time enrolment code ${enrolment.code} (valid until ${enrolment.expiresAt.toISOString()}, shown once; hand it over apart from the password): POST /api/v1/auth/totp/enrol {"enrolmentCode":"…"}, then /api/v1/auth/totp/confirm {"code":"…"}; later sign-ins send "code"`,
      );
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
