import { startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';
import { auditListResponse, auditVerifyResponse } from '../audit/dto/audit-responses';
import {
  webhookResponse,
  webhookRotatedResponse,
  webhookSetResponse,
} from '../departments/dto/department-webhook-responses';
import {
  adminRequestListResponse,
  adminRequestRecord,
  adminRequestResponse,
  apiKeyCreatedResponse,
  apiKeyListResponse,
  apiKeyResponse,
  userListResponse,
  userResponse,
} from './dto/account-responses';

// The answers the console's audit and administration screens read (issue 14) are what the OpenAPI
// document says they are: each response schema checked against real answers, with the audit log's
// keyset paging.
const conforms = (schema: { safeParse(v: unknown): { error?: { issues: unknown[] } } }, body: unknown) =>
  expect(schema.safeParse(body).error?.issues).toBeUndefined();

describe('audit and administration answers', () => {
  let stack: Stack<'security' | 'security2' | 'auditor' | 'system'>;
  let security: TestUser;
  let security2: TestUser;
  let auditor: TestUser;
  let system: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        security: { role: 'security_admin', regionCode: '330106' },
        security2: { role: 'security_admin', regionCode: '330106' },
        auditor: { role: 'auditor', regionCode: '330106' },
        system: { role: 'admin', regionCode: '330106' },
      },
    });
    ({ security, security2, auditor, system } = stack.users);
  });

  afterAll(() => stack?.close());

  const call = async (as: TestUser, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: as.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { items?: unknown[] },
    };
  };

  it('answers users, requests for administrators and API keys as documented', async () => {
    const created = await call(security, 'POST', '/api/v1/users', {
      username: 'wang.fang',
      password: 'A long passphrase 2026',
      role: 'department_officer',
      departmentCode: '330106-SAMR',
      regionCode: '330106',
    });
    expect(created.status).toBe(201);
    conforms(userResponse, created.body);

    const pending = await call(security, 'POST', '/api/v1/users', {
      username: 'sun.li',
      password: 'Another passphrase 2026',
      role: 'auditor',
      regionCode: '330106',
    });
    expect(pending.status).toBe(202);
    conforms(adminRequestResponse, pending.body);

    const disabled = await call(security, 'POST', `/api/v1/users/${created.body.id as string}/disable`);
    expect(disabled.status).toBe(200);
    conforms(userResponse, disabled.body);
    const users = await call(security, 'GET', '/api/v1/users');
    conforms(userListResponse, users.body);
    expect(users.body.items?.length).toBe(5);

    const key = await call(security, 'POST', '/api/v1/api-keys', {
      name: 'xihu',
      departmentCode: '330106-SAMR',
      sources: ['samr-xlsx-penalties'],
    });
    expect(key.status).toBe(201);
    conforms(apiKeyCreatedResponse, key.body);
    const keys = await call(security, 'GET', '/api/v1/api-keys');
    conforms(apiKeyListResponse, keys.body);
    // The list never carries the key.
    expect(JSON.stringify(keys.body)).not.toContain(key.body.key as string);
    const revoked = await call(security, 'POST', `/api/v1/api-keys/${key.body.id as string}/revoke`);
    conforms(apiKeyResponse, revoked.body);
    expect(revoked.body.revokedAt).not.toBeNull();
  });

  it('answers a department’s webhook as documented', async () => {
    const set = await call(system, 'PUT', '/api/v1/departments/330106-TAX/webhook', {
      url: 'https://tax.example.gov.cn/alerts',
    });
    expect(set.status).toBe(200);
    conforms(webhookSetResponse, set.body);
    const rotated = await call(system, 'POST', '/api/v1/departments/330106-TAX/webhook/secret/rotate');
    expect(rotated.status).toBe(201);
    conforms(webhookRotatedResponse, rotated.body);
    const hook = await call(system, 'GET', '/api/v1/departments/330106-TAX/webhook');
    conforms(webhookResponse, hook.body);
    expect(JSON.stringify(hook.body)).not.toContain(rotated.body.secret as string);
  });

  it('pages the audit log newest first by cursor and verifies it as documented', async () => {
    const first = await call(auditor, 'GET', '/api/v1/audit?limit=2');
    conforms(auditListResponse, first.body);
    const seqs = (first.body.items as { seq: number }[]).map((e) => e.seq);
    expect(seqs).toHaveLength(2);
    expect(seqs[0]).toBeGreaterThan(seqs[1]!);
    expect(first.body.nextCursor).toBe(seqs[1]);
    const second = await call(auditor, 'GET', `/api/v1/audit?limit=2&cursor=${seqs[1]}`);
    conforms(auditListResponse, second.body);
    expect((second.body.items as { seq: number }[])[0]!.seq).toBeLessThan(seqs[1]!);

    const creations = await call(auditor, 'GET', '/api/v1/audit?result=ok&action=user.create');
    expect((creations.body.items as { action: string }[]).map((e) => e.action)).toEqual(['user.create']);

    const verified = await call(auditor, 'GET', '/api/v1/audit/verify');
    conforms(auditVerifyResponse, verified.body);
    expect(verified.body.ok).toBe(true);
  });

  it('lists requests for administrators and answers their confirmation and withdrawal as documented', async () => {
    const listed = await call(security2, 'GET', '/api/v1/admin-requests?status=pending');
    conforms(adminRequestListResponse, listed.body);
    const asked = (
      listed.body.items as { id: string; requestedBy: string; account: { username: string } }[]
    )[0]!;
    expect(asked).toMatchObject({ requestedBy: security.username, account: { username: 'sun.li' } });
    const declined = await call(security2, 'DELETE', `/api/v1/admin-requests/${asked.id}`);
    expect(declined.status).toBe(200);
    conforms(adminRequestRecord, declined.body);
    expect(declined.body).toMatchObject({ status: 'withdrawn', decidedBy: security2.username });

    // Disable the system administrator and enable them again, each confirmed by the second one.
    for (const action of ['disable', 'enable']) {
      const filed = await call(security, 'POST', `/api/v1/users/${system.id}/${action}`);
      expect(filed.status).toBe(202);
      const confirmed = await call(
        security2,
        'POST',
        `/api/v1/admin-requests/${filed.body.id as string}/confirm`,
      );
      expect(confirmed.status).toBe(200);
      conforms(adminRequestRecord, confirmed.body);
      expect(confirmed.body).toMatchObject({ action: `user.${action}`, status: 'confirmed' });
    }
    const all = await call(security, 'GET', '/api/v1/admin-requests');
    conforms(adminRequestListResponse, all.body);
    expect((all.body.items as { status: string }[]).map((r) => r.status)).toEqual([
      'confirmed',
      'confirmed',
      'withdrawn',
    ]);
  });
});
