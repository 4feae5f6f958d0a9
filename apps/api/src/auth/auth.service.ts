import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ForbiddenError, InvalidInputError, UnauthorizedError } from '@lianjian/common';
import { AccessRepository, AuditRepository } from '@lianjian/database';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  passwordProblems,
  ROLE_LABELS,
  newAccessToken,
  permissionsOf,
  principalJurisdiction,
  verifyPassword,
  type Principal,
} from '@lianjian/access';
import { LoginLimiter } from './login-limiter';
import type { LoginBody, PasswordBody } from './dto/auth.dto';

// Sign-in, sign-out, password change and "who am I" for people; API keys only ask who they are.
@Injectable()
export class AuthService {
  private readonly ttlMinutes: number;

  constructor(
    private readonly access: AccessRepository,
    private readonly audit: AuditRepository,
    private readonly limiter: LoginLimiter,
    config: ConfigService,
  ) {
    this.ttlMinutes = config.getOrThrow<number>('ACCESS_TOKEN_TTL_MINUTES');
  }

  // 登录: a bearer token valid for ACCESS_TOKEN_TTL_MINUTES. A wrong user name and a wrong password
  // get the same answer in the same time; repeated failures are refused for a while (429).
  async login(b: LoginBody, client: string) {
    await this.limiter.check(b.username, client);
    const user = await this.access.userForLogin(b.username);
    const ok = await verifyPassword(b.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok || user.disabledAt) {
      await this.limiter.failed(b.username, client);
      await this.audit.append({
        actor: b.username.slice(0, 64),
        role: user?.role ?? null,
        source: client,
        action: 'auth.login',
        target: user ? `user:${user.id}` : null,
        result: 'denied',
        detail: { reason: !user ? 'unknown user' : user.disabledAt ? 'disabled' : 'wrong password' },
      });
      throw new UnauthorizedError('wrong user name or password / 用户名或密码错误');
    }
    await this.limiter.succeeded(b.username);
    const accessToken = newAccessToken();
    const expiresAt = await this.access.issueToken(user.id, accessToken, this.ttlMinutes, client);
    await this.audit.append({
      actor: user.username,
      role: user.role,
      source: client,
      action: 'auth.login',
      target: `user:${user.id}`,
      result: 'ok',
      detail: { expiresAt: expiresAt.toISOString() },
    });
    return { accessToken, tokenType: 'Bearer', expiresAt };
  }

  // 退出: the bearer token of the request stops working at once.
  async logout(authorization: string | undefined): Promise<void> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (m) await this.access.revokeToken(m[1]);
  }

  // 修改密码: the current password again, then a new one; every token of the user is revoked, so
  // other sessions end and the caller signs in again.
  async changePassword(caller: Principal, b: PasswordBody, client: string | null): Promise<void> {
    if (caller.kind !== 'user') throw new ForbiddenError('an API key has no password');
    const user = await this.access.userForLogin(caller.username);
    if (!user || !(await verifyPassword(b.currentPassword, user.passwordHash)))
      throw new UnauthorizedError('the current password is wrong / 当前密码错误');
    const problems = passwordProblems(b.newPassword);
    if (problems.length)
      throw new InvalidInputError(
        'invalid body',
        problems.map((p) => `newPassword: ${p}`),
      );
    await this.access.setPassword(user.id, await hashPassword(b.newPassword));
    await this.audit.append({
      actor: user.username,
      role: user.role,
      source: client,
      action: 'auth.password',
      target: `user:${user.id}`,
      result: 'ok',
    });
  }

  me(caller: Principal) {
    return {
      ...(caller.kind === 'user'
        ? {
            kind: 'user',
            username: caller.username,
            role: caller.role,
            roleLabel: ROLE_LABELS[caller.role],
            departmentCode: caller.departmentCode,
            regionCode: caller.regionCode,
          }
        : {
            kind: 'apiKey',
            name: caller.name,
            departmentCode: caller.departmentCode,
            sources: caller.sources,
          }),
      jurisdiction: principalJurisdiction(caller),
      permissions: permissionsOf(caller),
    };
  }
}
