import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ForbiddenError, InvalidInputError, UnauthorizedError } from '@lianjian/common';
import { AccessRepository, AuditRepository } from '@lianjian/database';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  isAdminRole,
  passwordProblems,
  ROLE_LABELS,
  newAccessToken,
  permissionsOf,
  principalJurisdiction,
  verifyPassword,
  type Principal,
} from '@lianjian/access';
import { HashGate } from './hash-gate';
import { LoginLimiter, type LoginAttempt } from './login-limiter';
import { TotpService } from './totp.service';
import type { LoginBody, PasswordBody } from './dto/auth.dto';

// Sign-in, sign-out, password change and "who am I" for people; API keys only ask who they are.
@Injectable()
export class AuthService {
  private readonly ttlMinutes: number;

  constructor(
    private readonly access: AccessRepository,
    private readonly audit: AuditRepository,
    private readonly limiter: LoginLimiter,
    private readonly hashing: HashGate,
    private readonly totp: TotpService,
    config: ConfigService,
  ) {
    this.ttlMinutes = config.getOrThrow<number>('ACCESS_TOKEN_TTL_MINUTES');
  }

  // 登录: a bearer token valid for ACCESS_TOKEN_TTL_MINUTES. A wrong user name and a wrong password
  // get the same answer in the same time; the attempt is counted before the password is verified,
  // and repeated failures make the next attempts wait (429). A user with a second factor (TOTP)
  // also needs its code, counted like a password: a wrong or replayed code is a failed attempt. An
  // administrator without one gets a token that may only enrol one (mustEnrol).
  async login(b: LoginBody, client: string) {
    const attempt = await this.limiter.reserve(b.username, client);
    const { user, ok } = await this.verify(attempt, b.username, b.password);
    const enrolled = !!user && ok && !user.disabledAt && (await this.enrolled(attempt, user.id));
    const codeOk = enrolled && (await this.totp.verifySignIn(user.id, b.code));
    if (!user || !ok || user.disabledAt || (enrolled && !codeOk)) {
      const reason = !user
        ? 'unknown user'
        : !ok
          ? 'wrong password'
          : user.disabledAt
            ? 'disabled'
            : b.code
              ? 'wrong one-time code'
              : 'no one-time code';
      await this.audit.append({
        actor: b.username.slice(0, 64),
        role: user?.role ?? null,
        source: client,
        action: 'auth.login',
        target: user ? `user:${user.id}` : null,
        result: 'denied',
        detail: { reason },
      });
      // One answer whatever was wrong: it tells neither whether the user exists nor whether the
      // password was right when only the code was not.
      throw new UnauthorizedError(
        'wrong user name, password or one-time code (an account with a second factor sends "code") / 用户名、密码或动态口令错误',
      );
    }
    await this.limiter.succeeded(attempt);
    const accessToken = newAccessToken();
    const expiresAt = await this.access.issueToken(user.id, accessToken, this.ttlMinutes, client, enrolled);
    const mustEnrol = isAdminRole(user.role) && !enrolled;
    await this.audit.append({
      actor: user.username,
      role: user.role,
      source: client,
      action: 'auth.login',
      target: `user:${user.id}`,
      result: 'ok',
      detail: { expiresAt: expiresAt.toISOString(), secondFactor: enrolled },
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresAt,
      ...(mustEnrol
        ? {
            mustEnrol: true,
            message:
              'administrators sign in with a second factor: enrol one with the one-time enrolment code a security administrator gave you (POST /api/v1/auth/totp/enrol {"enrolmentCode"}, then /api/v1/auth/totp/confirm); until then this token may do nothing else / 管理员须先凭安全管理员签发的一次性绑定码绑定动态口令，绑定前该令牌不能执行其他操作',
          }
        : {}),
    };
  }

  // Whether sign-in needs a code; a lookup that fails gives the attempt back, like verify.
  private async enrolled(attempt: LoginAttempt, userId: string): Promise<boolean> {
    try {
      return await this.totp.enrolled(userId);
    } catch (e) {
      await this.limiter.release(attempt).catch(() => undefined);
      throw e;
    }
  }

  // 退出: the token of the request (bearer, or the console's session cookie) stops working at once.
  async logout(token: string | undefined): Promise<void> {
    if (token) await this.access.revokeToken(token);
  }

  // A reserved attempt's password check (against a dummy hash for an unknown user). An attempt that
  // never got verified (hashing busy, database down) gives its reservation back.
  private async verify(attempt: LoginAttempt, username: string, password: string) {
    try {
      const user = await this.access.userForLogin(username);
      const ok = await this.hashing.run(() =>
        verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH),
      );
      return { user, ok };
    } catch (e) {
      await this.limiter.release(attempt).catch(() => undefined);
      throw e;
    }
  }

  // 修改密码: the current password again (counted like a sign-in, so a stolen token cannot guess it),
  // then a new one; every token of the user is revoked, so other sessions end and the caller signs
  // in again.
  async changePassword(caller: Principal, b: PasswordBody, client: string | null): Promise<void> {
    if (caller.kind !== 'user') throw new ForbiddenError('an API key has no password');
    const attempt = await this.limiter.reserve(caller.username, client ?? 'unknown');
    const { user, ok } = await this.verify(attempt, caller.username, b.currentPassword);
    if (!user || !ok) throw new UnauthorizedError('the current password is wrong / 当前密码错误');
    await this.limiter.succeeded(attempt);
    const problems = passwordProblems(b.newPassword, user.username);
    if (problems.length)
      throw new InvalidInputError(
        'invalid body',
        problems.map((p) => `newPassword: ${p}`),
      );
    const hash = await this.hashing.run(() => hashPassword(b.newPassword));
    await this.access.setPassword(user.id, hash);
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
            ...(caller.enrolOnly ? { mustEnrol: true } : {}),
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
