import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError } from '@lianjian/common';
import {
  AccessRepository,
  AuditRepository,
  checkNewUser,
  createApiKeyAccount,
  issueEnrolmentCode,
  storeUser,
  type AdminRequestRow,
  type UserRow,
} from '@lianjian/database';
import {
  actorName,
  actorRole,
  hashPassword,
  isAdminRole,
  jurisdictionPrefix,
  manageProblem,
  NATIONAL,
  regionOutside,
  ROLE_LABELS,
  type AccountHolder,
  type NewApiKey,
  type Principal,
} from '@lianjian/access';
import { HashGate } from './hash-gate';

const idParam = (id: string): string => {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no such id ${id}`);
  return id;
};

type UserCaller = Extract<Principal, { kind: 'user' }>;

// Users (用户) and departmental API keys (接口密钥), for security administrators (users:manage), each
// within their jurisdiction (辖区) and at or below their role; nobody acts on their own account.
// Creating, disabling or enabling one of the three administrators (三员) is a request that another
// security administrator confirms (四眼原则), audited at each step. Creating a user goes through the
// same checks as `npm run user:create`.
@Injectable()
export class AccountsService {
  constructor(
    private readonly access: AccessRepository,
    private readonly audit: AuditRepository,
    private readonly hashing: HashGate,
  ) {}

  async users(caller: Principal) {
    const rows = await this.access.listUsers(jurisdictionPrefix(manager(caller).regionCode));
    return { items: rows.map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role] })) };
  }

  // A user below the administrators is created at once (201); an administrator is a pending request
  // (202) until another security administrator confirms it.
  async createUser(caller: Principal, input: unknown, client: string) {
    const m = manager(caller);
    const { password, ...user } = await checkNewUser(this.access, input, m);
    // Hashed in turn with sign-ins (scrypt on libuv's small pool).
    const passwordHash = await this.hashing.run(() => hashPassword(password));
    if (!isAdminRole(user.role))
      return {
        status: 201,
        body: await storeUser(this.access, this.audit, { ...user, passwordHash }, by(caller, client)),
      };
    const request = await this.request(caller, client, {
      action: 'user.create',
      userId: null,
      account: user,
      passwordHash,
    });
    return { status: 202, body: pending(request) };
  }

  // Disabling (their tokens stop working at once) or enabling a user; an administrator's is a request.
  async setDisabled(caller: Principal, id: string, disabled: boolean, client: string) {
    const m = manager(caller);
    const target = await this.access.user(idParam(id));
    if (!target) throw new NotFoundError(`no user ${id}`);
    const problem = manageProblem(m, target);
    if (problem) throw new ForbiddenError(problem);
    if (isAdminRole(target.role)) {
      const request = await this.request(caller, client, {
        action: disabled ? 'user.disable' : 'user.enable',
        userId: target.id,
        account: accountOf(target),
        passwordHash: null,
      });
      return { status: 202, body: pending(request) };
    }
    const row = await this.access.setDisabled(target.id, disabled);
    if (!row) throw new NotFoundError(`no user ${id}`);
    await this.audit.append({
      ...by(caller, client),
      action: disabled ? 'user.disable' : 'user.enable',
      target: `user:${row.id}`,
      result: 'ok',
      detail: { username: row.username, role: row.role },
    });
    return { status: 200, body: row };
  }

  // A lost authenticator: the user enrols a new one at their next sign-in. An administrator's is a
  // request another security administrator confirms.
  async resetTotp(caller: Principal, id: string, client: string) {
    const m = manager(caller);
    const target = await this.access.user(idParam(id));
    if (!target) throw new NotFoundError(`no user ${id}`);
    const problem = manageProblem(m, target);
    if (problem) throw new ForbiddenError(problem);
    if (isAdminRole(target.role)) {
      const request = await this.request(caller, client, {
        action: 'user.totp-reset',
        userId: target.id,
        account: accountOf(target),
        passwordHash: null,
      });
      return { status: 202, body: pending(request) };
    }
    await this.access.resetTotp(target.id);
    await this.audit.append({
      ...by(caller, client),
      action: 'user.totp-reset',
      target: `user:${target.id}`,
      result: 'ok',
      detail: { username: target.username, role: target.role },
    });
    return { status: 200, body: { ...target, totp: 'reset' } };
  }

  // A one-time enrolment code (一次性绑定码) for a user of my jurisdiction who has no second factor
  // yet: an administrator enrols only with one. Shown in this answer only, stored as its hash, used
  // once, valid for ENROLMENT_CODE_TTL_HOURS (72 h); a new code replaces an earlier one. Handed to the user
  // apart from their password (in person, by phone), so that the password alone enrols nothing.
  async issueEnrolmentCode(caller: Principal, id: string, client: string) {
    const m = manager(caller);
    const target = await this.access.user(idParam(id));
    if (!target) throw new NotFoundError(`no user ${id}`);
    const problem = manageProblem(m, target);
    if (problem) throw new ForbiddenError(problem);
    if ((await this.access.totp(target.id))?.confirmedAt)
      throw new ConflictError(
        `${target.username} has a second factor already; reset it first (POST /api/v1/users/${target.id}/totp/reset) / 该用户已绑定动态口令，如需更换请先重置`,
      );
    const { code, expiresAt } = await issueEnrolmentCode(this.access, this.audit, target, by(caller, client));
    return {
      userId: target.id,
      username: target.username,
      code,
      expiresAt,
      enrol:
        'POST /api/v1/auth/totp/enrol {"enrolmentCode":"…"}, signed in as the user; shown once / 仅显示一次',
    };
  }

  async requests(caller: Principal, status?: AdminRequestRow['status']) {
    return {
      items: await this.access.listAdminRequests(jurisdictionPrefix(manager(caller).regionCode), status),
    };
  }

  // Another security administrator, with the request in their jurisdiction, carries it out.
  async confirm(caller: Principal, id: string, client: string) {
    const m = manager(caller);
    const done = await this.access.onAdminRequest(idParam(id), async (em, r) => {
      this.assertPending(r);
      if (r.requestedById === m.id)
        throw new ConflictError(
          `request ${r.id} was made by ${r.requestedBy}; another security administrator must confirm it (四眼原则, four-eyes principle) / 须由另一名安全管理员确认`,
        );
      const problem = manageProblem(m, { id: r.userId ?? undefined, role: r.role, regionCode: r.regionCode });
      if (problem) throw new ForbiddenError(problem);
      const detail = { request: r.id, requestedBy: r.requestedBy, confirmedBy: m.username };
      let userId = r.userId ?? undefined;
      if (r.action === 'user.create') {
        if (await this.access.usernameTaken(r.account.username))
          throw new ConflictError(`user name ${r.account.username} is taken`);
        const row = await storeUser(
          this.access,
          this.audit,
          {
            username: r.account.username,
            displayName: r.account.displayName ?? null,
            role: r.account.role,
            departmentCode: r.account.departmentCode ?? null,
            regionCode: r.account.regionCode,
            passwordHash: r.passwordHash as string,
          },
          by(caller, client),
          detail,
          em,
        );
        userId = row.id;
      } else if (r.action === 'user.totp-reset') {
        await this.access.resetTotp(r.userId as string, em);
        await this.audit.append(
          { ...by(caller, client), action: r.action, target: `user:${r.userId}`, result: 'ok', detail },
          em,
        );
      } else {
        const row = await this.access.setDisabled(r.userId as string, r.action === 'user.disable', em);
        if (!row) throw new NotFoundError(`no user ${r.userId}`);
        await this.audit.append(
          { ...by(caller, client), action: r.action, target: `user:${row.id}`, result: 'ok', detail },
          em,
        );
      }
      await this.audit.append(
        {
          ...by(caller, client),
          action: 'admin-request.confirm',
          target: `admin-request:${r.id}`,
          result: 'ok',
          detail,
        },
        em,
      );
      return this.access.settleAdminRequest(em, r.id, 'confirmed', { name: m.username, id: m.id }, userId);
    });
    if (!done) throw new NotFoundError(`no request ${id}`);
    return done;
  }

  // Withdrawn by whoever asked, or declined by another security administrator of the jurisdiction.
  async withdraw(caller: Principal, id: string, client: string) {
    const m = manager(caller);
    const done = await this.access.onAdminRequest(idParam(id), async (em, r) => {
      this.assertPending(r);
      const outside = r.requestedById === m.id ? null : regionOutside(m, r.regionCode);
      if (outside) throw new ForbiddenError(outside);
      await this.audit.append(
        {
          ...by(caller, client),
          action: 'admin-request.withdraw',
          target: `admin-request:${r.id}`,
          result: 'ok',
          detail: { request: r.id, action: r.action, requestedBy: r.requestedBy },
        },
        em,
      );
      return this.access.settleAdminRequest(em, r.id, 'withdrawn', { name: m.username, id: m.id });
    });
    if (!done) throw new NotFoundError(`no request ${id}`);
    return done;
  }

  async apiKeys(caller: Principal) {
    return { items: await this.access.listApiKeys(jurisdictionPrefix(manager(caller).regionCode)) };
  }

  // The key is in this answer only.
  async createApiKey(caller: Principal, apiKey: NewApiKey, client: string) {
    const { key, row } = await createApiKeyAccount(
      this.access,
      this.audit,
      apiKey,
      by(caller, client),
      manager(caller),
    );
    return { ...row, key };
  }

  async revokeApiKey(caller: Principal, id: string, client: string) {
    const key = await this.access.apiKeyRegion(idParam(id));
    if (!key) throw new NotFoundError(`no API key ${id}`);
    const outside = regionOutside(manager(caller), key.regionCode);
    if (outside) throw new ForbiddenError(`API key ${id}: ${outside}`);
    const row = await this.access.revokeApiKey(id);
    if (!row) throw new NotFoundError(`no API key ${id}`);
    await this.audit.append({
      ...by(caller, client),
      action: 'apikey.revoke',
      target: `apikey:${row.id}`,
      result: 'ok',
      detail: { name: row.name, department: row.departmentCode },
    });
    return row;
  }

  private async request(
    caller: Principal,
    client: string,
    r: Pick<AdminRequestRow, 'action' | 'userId' | 'account'> & { passwordHash: string | null },
  ): Promise<AdminRequestRow> {
    const m = manager(caller);
    let row: AdminRequestRow;
    try {
      row = await this.access.createAdminRequest({
        ...r,
        reason: null,
        requestedBy: m.username,
        requestedById: m.id,
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23505')
        throw new ConflictError(
          `a request for ${r.account.username} is already pending / 该用户已有待确认的申请`,
        );
      throw e;
    }
    // The new user's password hash is never part of the entry.
    await this.audit.append({
      ...by(caller, client),
      action: 'admin-request.create',
      target: `admin-request:${row.id}`,
      result: 'ok',
      detail: {
        request: row.id,
        action: row.action,
        user: row.userId,
        username: row.account.username,
        role: row.role,
        region: row.regionCode ?? NATIONAL,
      },
    });
    return row;
  }

  private assertPending(r: AdminRequestRow): void {
    if (r.status !== 'pending')
      throw new ConflictError(`request ${r.id} is already ${r.status} / 该申请已处理`);
  }
}

// Only people manage accounts (users:manage is a role's, never a key's).
function manager(caller: Principal): UserCaller & AccountHolder {
  if (caller.kind !== 'user') throw new ForbiddenError('API keys do not manage accounts');
  return caller;
}

function accountOf(u: UserRow): AdminRequestRow['account'] {
  return {
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    departmentCode: u.departmentCode,
    regionCode: u.regionCode,
  };
}

function pending(r: AdminRequestRow) {
  return {
    ...r,
    account: { ...r.account, regionCode: r.account.regionCode ?? NATIONAL },
    message: `pending: another security administrator confirms with POST /api/v1/admin-requests/${r.id}/confirm / 待另一名安全管理员确认`,
  };
}

function by(caller: Principal, client: string) {
  return { actor: actorName(caller), role: actorRole(caller), source: client };
}
