import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@lianjian/access';
import { ZodPipe } from '../common/zod.pipe';
import { Allow, Caller, Public, WhileEnrolling } from './access.decorator';
import { SkipRateLimit } from '../rate-limit/rate-limit';
import { AuthService } from './auth.service';
import { TotpService } from './totp.service';
import {
  loginBody,
  passwordBody,
  totpConfirmBody,
  totpEnrolBody,
  type LoginBody,
  type PasswordBody,
  type TotpConfirmBody,
  type TotpEnrolBody,
} from './dto/auth.dto';
import { SelfAudited } from '../common/audit-trail';
import { clearSessionCookies, requestToken, setSessionCookies } from './session-cookies';

// Permissions every caller holds (one of them), so these routes are open to anyone signed in.
const ANYONE = ['batches:read', 'sources:read', 'alerts:read', 'departments:read'] as const;

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly totp: TotpService,
  ) {}

  @Post('login')
  @SelfAudited()
  @Public()
  // Sign-in has its own limiter (LOGIN_*, login-limiter.ts): not counted twice.
  @SkipRateLimit()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in (登录): answers { accessToken, expiresAt }. A user with a second factor sends "code" (TOTP); an administrator without one gets mustEnrol and a token that may only enrol',
  })
  @ApiBody({ schema: { example: { username: 'zhao.min', password: '••••••••••••', code: '123456' } } })
  login(@Body(new ZodPipe(loginBody)) body: LoginBody, @Req() req: Request) {
    return this.auth.login(body, req.ip ?? 'unknown');
  }

  @Post('session')
  @SelfAudited()
  @Public()
  @SkipRateLimit()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in to the console (控制台登录): as POST /api/v1/auth/login (same limits, second factor and audit), but the token is set as the httpOnly cookie lj_session (SameSite=Strict, Secure over TLS) and never answered; the readable cookie lj_csrf holds the value to send as X-CSRF-Token on every write. Answers { expiresAt, mustEnrol? }',
  })
  @ApiBody({ schema: { example: { username: 'zhao.min', password: '••••••••••••', code: '123456' } } })
  async session(
    @Body(new ZodPipe(loginBody)) body: LoginBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const signedIn = await this.auth.login(body, req.ip ?? 'unknown');
    setSessionCookies(req, res, signedIn.accessToken, signedIn.expiresAt);
    // The token only in the cookie: never in a body a script could read.
    return {
      expiresAt: signedIn.expiresAt,
      ...('mustEnrol' in signedIn ? { mustEnrol: true, message: signedIn.message } : {}),
    };
  }

  @Post('logout')
  @Allow(...ANYONE)
  @WhileEnrolling()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Sign out (退出): the token (bearer, or the console session cookie) stops working at once; the console cookies are cleared',
  })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(requestToken(req));
    if (!req.headers.authorization && !req.headers['x-api-key']) clearSessionCookies(req, res);
  }

  @Post('password')
  @Allow(...ANYONE)
  @HttpCode(204)
  @ApiOperation({ summary: 'Change my password (修改密码); every session of mine ends' })
  changePassword(
    @Body(new ZodPipe(passwordBody)) body: PasswordBody,
    @Req() req: Request,
    @Caller() caller: Principal,
  ): Promise<void> {
    return this.auth.changePassword(caller, body, req.ip ?? null);
  }

  @Get('me')
  @Allow(...ANYONE)
  @WhileEnrolling()
  @ApiOperation({ summary: 'Who I am: role, department, jurisdiction and permissions' })
  me(@Caller() caller: Principal) {
    return this.auth.me(caller);
  }

  @Post('totp/enrol')
  @Allow(...ANYONE)
  @WhileEnrolling()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Enrol a second factor (绑定动态口令, TOTP RFC 6238): answers the secret and its otpauth:// URI once; confirm with a code. An administrator sends the one-time enrolment code a security administrator issued (POST /api/v1/users/{id}/totp/enrolment-code); it is used up',
  })
  @ApiBody({ required: false, schema: { example: { enrolmentCode: 'ABCD-EFGH-JKMN-PQRS' } } })
  enrolTotp(
    @Body(new ZodPipe(totpEnrolBody)) body: TotpEnrolBody,
    @Caller() caller: Principal,
    @Req() req: Request,
  ) {
    return this.totp.enrol(caller, req.ip ?? 'unknown', body?.enrolmentCode);
  }

  @Post('totp/confirm')
  @Allow(...ANYONE)
  @WhileEnrolling()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Confirm the enrolment with a code of the authenticator app: from now on sign-in needs a code, and this token counts as signed in with both factors',
  })
  @ApiBody({ schema: { example: { code: '123456' } } })
  confirmTotp(
    @Body(new ZodPipe(totpConfirmBody)) body: TotpConfirmBody,
    @Caller() caller: Principal,
    @Req() req: Request,
  ) {
    return this.totp.confirm(caller, body.code, requestToken(req), req.ip ?? 'unknown');
  }
}
