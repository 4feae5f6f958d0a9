import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { z } from 'zod';
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
import { parseBody } from '../common/query';
import { Allow, Caller, Public } from './access.decorator';
import { LoginLimiter } from './login-limiter';

const passwordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

// Permissions every caller holds (one of them), so these routes are open to anyone signed in.
const ANYONE = ['batches:read', 'sources:read', 'alerts:read', 'departments:read'] as const;

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
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
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in (登录): answers { accessToken, expiresAt }' })
  @ApiBody({ schema: { example: { username: 'zhao.min', password: '••••••••••••' } } })
  async login(@Req() req: Request) {
    const b = parseBody(loginBody, req.body);
    const client = req.ip ?? 'unknown';
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

  @Post('logout')
  @Allow(...ANYONE)
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out (退出): the token stops working at once' })
  async logout(@Req() req: Request): Promise<void> {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (m) await this.access.revokeToken(m[1]);
  }

  // 修改密码: the current password again, then a new one; every token of the user is revoked, so
  // other sessions end and the caller signs in again.
  @Post('password')
  @Allow(...ANYONE)
  @HttpCode(204)
  @ApiOperation({ summary: 'Change my password (修改密码); every session of mine ends' })
  async changePassword(@Req() req: Request, @Caller() caller: Principal): Promise<void> {
    const b = parseBody(passwordBody, req.body);
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
      source: req.ip ?? null,
      action: 'auth.password',
      target: `user:${user.id}`,
      result: 'ok',
    });
  }

  @Get('me')
  @Allow(...ANYONE)
  @ApiOperation({ summary: 'Who I am: role, department, jurisdiction and permissions' })
  me(@Caller() caller: Principal) {
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
