import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generate } from 'otplib';
import {
  eventually,
  json,
  penaltyRecord,
  registrationRecord,
  startStack,
  USCC_A,
  type Stack,
} from '@lianjian/testing';

const run = promisify(execFile);

// Black box, as a fresh install is used: the first administrator and a departmental system's key are
// made with the bootstrap commands (npm run user:create / apikey:create, built code), people sign in
// through the API, and a joint alert goes through a case to its close with each department's result.
describe('e2e: bootstrap, sign-in and a joint case from alert to close', () => {
  let stack: Stack;
  let base: string;

  const cli = (entry: string, args: string[], input?: string) => {
    const p = run('node', ['scripts/run.js', `apps/cli/src/${entry}`, ...args], {
      env: { ...process.env, ...stack.env },
    });
    if (input !== undefined) {
      p.child.stdin?.write(input);
      p.child.stdin?.end();
    }
    return p;
  };

  beforeAll(async () => {
    stack = await startStack({ env: { CASE_OVERDUE_CRON: '', ESCALATION_CRON: '', FEED_CHECK_CRON: '' } });
    stack.spawn('apps/worker/src/main');
    await stack.spawnApi('apps/api/src/main');
    base = stack.url;
  });

  afterAll(() => stack?.close());

  // An administrator's first sign-in gets a token that may only enrol a second factor (TOTP): enrol
  // and confirm with a code, as an authenticator app would.
  const signIn = async (username: string, password: string, enrolmentCode?: string) => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    const { accessToken, mustEnrol } = await json(res);
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    if (mustEnrol) {
      const { secret } = await call(headers, 'POST', '/auth/totp/enrol', { enrolmentCode });
      await call(headers, 'POST', '/auth/totp/confirm', { code: await generate({ secret }) });
    }
    return headers;
  };
  const call = async (headers: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const out = res.status === 204 ? null : await json(res);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
    return out;
  };

  it('bootstraps, and takes a joint alert to a closed case with every department’s result', async () => {
    // The first administrators (三员: here the security and the audit administrator), the password
    // on stdin; a weak password is refused with the reason, and so is a missing region.
    const weak = await cli('user-create', [
      '--username',
      'root',
      '--password',
      'short',
      '--role',
      'security_admin',
      '--region',
      'national',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(weak).toMatchObject({ code: 1 });
    expect((weak as { stderr: string }).stderr).toMatch(/at least 12 characters/);
    const noRegion = await cli('user-create', [
      '--username',
      'root',
      '--password',
      'The first admin passphrase 13',
      '--role',
      'security_admin',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((noRegion as { stderr: string }).stderr).toMatch(/--region/);
    const created = await cli(
      'user-create',
      ['--username', 'root', '--password', '-', '--role', 'security_admin', '--region', 'national'],
      'The first admin passphrase 13\n',
    );
    expect(created.stdout).toMatch(/created user root: security administrator/);
    expect(created.stdout).not.toMatch(/passphrase/);
    // An administrator enrols a second factor only with the one-time code printed here.
    const codeOf = (stdout: string) => /enrolment code ([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})/.exec(stdout)?.[1];
    expect(codeOf(created.stdout)).toBeDefined();
    const auditCreated = await cli(
      'user-create',
      ['--username', 'root.audit', '--password', '-', '--role', 'auditor', '--region', 'national'],
      'The first auditor passphrase 13\n',
    );
    const key = await cli('apikey-create', ['--source', 'samr-xihu', '--department', '330106-SAMR']);
    const apiKey = /^\s+(ljk_\S+)$/m.exec(key.stdout)?.[1];
    expect(apiKey).toBeDefined();

    const admin = await signIn('root', 'The first admin passphrase 13', codeOf(created.stdout));
    const auditor = await signIn(
      'root.audit',
      'The first auditor passphrase 13',
      codeOf(auditCreated.stdout),
    );
    const person = async (username: string, role: string, departmentCode?: string) => {
      await call(admin, 'POST', '/users', {
        username,
        password: `Passphrase of ${role} 2026`,
        role,
        departmentCode,
        regionCode: departmentCode?.slice(0, 6) ?? '330106',
      });
      return signIn(username, `Passphrase of ${role} 2026`);
    };
    const coordinator = await person('coordinator.xu', 'coordinator', '330106-SAMR');

    // The market regulator's system sends a licence revocation with its key: a joint alert.
    const system = { 'x-api-key': apiKey as string, 'content-type': 'application/json' };
    const sent = await call(system, 'POST', '/records', {
      source: 'samr-xihu',
      records: [
        registrationRecord(USCC_A),
        penaltyRecord(USCC_A, 'P-E2E-1', {
          occurredAt: new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10),
          penalty: {
            penaltyTypes: ['fine', 'license_revocation'],
            fineAmount: 100000,
            decisionNo: '杭西市监罚〔2026〕9号',
          },
        }),
      ],
    });
    expect(sent.accepted).toBe(2);
    const alert = await eventually(async () => {
      const list = await call(coordinator, 'GET', `/alerts?entity=${USCC_A}`);
      return list.items.find((a: { ruleId: string }) => a.ruleId === 'license-revoked');
    }, 30000);
    const departments: string[] = alert.deliveries.map((d: { department: string }) => d.department);
    expect(departments.length).toBeGreaterThan(1);
    const before = await eventually(async () => {
      const e = await call(coordinator, 'GET', `/entities/${USCC_A}`);
      return e.score ? e : undefined;
    }, 30000);

    // 立案, 派发: the coordinator opens the case and dispatches a task to every routed department.
    const opened = await call(coordinator, 'POST', '/cases', { alertIds: [alert.id] });
    const caseId: string = opened.id;
    expect(caseId).toBeDefined();
    await call(coordinator, 'POST', `/cases/${caseId}/dispatch`, {});

    // 核查处置, 结果反馈: each department's officer accepts and reports; the first one fines the entity.
    const officers = Object.fromEntries(
      await Promise.all(
        departments.map(async (d) => [
          d,
          await person(`officer.${d.toLowerCase()}`, 'department_officer', d),
        ]),
      ),
    ) as Record<string, Record<string, string>>;
    for (const [i, d] of departments.entries()) {
      await call(officers[d], 'POST', `/cases/${caseId}/tasks/${d}/accept`, {});
      await call(officers[d], 'POST', `/cases/${caseId}/tasks/${d}/report`, {
        verified: true,
        actionTaken: i === 0 ? '复查并处以罚款' : '已核查，配合处置',
        ...(i === 0
          ? { penalty: { decisionNo: `E2E-${d}`, penaltyTypes: ['fine'], fineAmount: 20000 } }
          : {}),
      });
    }
    const awaiting = await call(coordinator, 'GET', `/cases/${caseId}`);
    expect(awaiting.state).toBe('awaiting_feedback');
    expect(awaiting.tasks.every((t: { state: string }) => t.state === 'reported')).toBe(true);

    // The fine came back as a record of that department, and the entity was re-scored from it.
    const after = await eventually(async () => {
      const e = await call(coordinator, 'GET', `/entities/${USCC_A}`);
      return e.profile.features.penalties_12m === before.profile.features.penalties_12m + 1 ? e : undefined;
    }, 30000);
    expect(after.score.id).not.toBe(before.score.id);
    expect(
      after.records.some(
        (r: { source: string; departmentCode: string }) =>
          r.source === 'case-feedback' && r.departmentCode === departments[0],
      ),
    ).toBe(true);

    // 办结: closed with an outcome; every transition is on the case with who did it.
    await call(coordinator, 'POST', `/cases/${caseId}/close`, { outcome: '各部门已依法处置' });
    const closed = await call(coordinator, 'GET', `/cases/${caseId}`);
    expect(closed.state).toBe('closed');
    expect(closed.transitions.map((t: { toState: string }) => t.toState)).toEqual([
      'open',
      'dispatched',
      'in_progress',
      'awaiting_feedback',
      'closed',
    ]);
    expect(new Set(closed.transitions.map((t: { actor: string }) => t.actor))).toContain('coordinator.xu');

    // The audit trail holds it all, and its chain verifies.
    const verify = await call(auditor, 'GET', '/audit/verify');
    expect(verify.ok).toBe(true);
    const closing = await call(
      auditor,
      'GET',
      `/audit?actor=coordinator.xu&action=${encodeURIComponent('POST /api/v1/cases/')}`,
    );
    expect(closing.items.length).toBeGreaterThanOrEqual(2); // dispatch and close

    // The operator's command: from the checkpoint the API's verification left, or the whole chain.
    const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop()!);
    const incremental = lastJson((await cli('audit-verify', [])).stdout);
    expect(incremental).toMatchObject({
      audit: 'verify',
      ok: true,
      mode: 'incremental',
      from: verify.head.seq,
    });
    const full = lastJson((await cli('audit-verify', ['--full'])).stdout);
    expect(full).toMatchObject({ ok: true, mode: 'full', from: 0 });
    expect(full.entries).toBeGreaterThan(incremental.entries);
  });
});
