import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@lianjian/common';
import {
  AccessRepository,
  AuditRepository,
  createApiKeyAccount,
  createUserAccount,
} from '@lianjian/database';
import {
  actorName,
  actorRole,
  ROLE_LABELS,
  type NewApiKey,
  type NewUser,
  type Principal,
} from '@lianjian/access';
import { HashGate } from './hash-gate';

const idParam = (id: string): string => {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no such id ${id}`);
  return id;
};

// Users (用户) and departmental API keys (接口密钥), for administrators. Creating one goes through the
// same checks and audit entry as `npm run user:create` / `apikey:create`.
@Injectable()
export class AccountsService {
  constructor(
    private readonly access: AccessRepository,
    private readonly audit: AuditRepository,
    private readonly hashing: HashGate,
  ) {}

  async users() {
    return { items: (await this.access.listUsers()).map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role] })) };
  }

  createUser(caller: Principal, user: NewUser, client: string) {
    // Its password is hashed in turn with sign-ins (scrypt on libuv's small pool).
    return this.hashing.run(() => createUserAccount(this.access, this.audit, user, by(caller, client)));
  }

  async setDisabled(id: string, disabled: boolean) {
    const row = await this.access.setDisabled(idParam(id), disabled);
    if (!row) throw new NotFoundError(`no user ${id}`);
    return row;
  }

  async apiKeys() {
    return { items: await this.access.listApiKeys() };
  }

  // The key is in this answer only.
  async createApiKey(caller: Principal, apiKey: NewApiKey, client: string) {
    const { key, row } = await createApiKeyAccount(this.access, this.audit, apiKey, by(caller, client));
    return { ...row, key };
  }

  async revokeApiKey(id: string) {
    const row = await this.access.revokeApiKey(idParam(id));
    if (!row) throw new NotFoundError(`no API key ${id}`);
    return row;
  }
}

function by(caller: Principal, client: string) {
  return { actor: actorName(caller), role: actorRole(caller), source: client };
}
