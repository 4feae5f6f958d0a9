import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '@lianjian/access';
import { ZodPipe } from '../common/zod.pipe';
import { Allow, Caller, Public } from './access.decorator';
import { AuthService } from './auth.service';
import { loginBody, passwordBody, type LoginBody, type PasswordBody } from './dto/auth.dto';
import { SelfAudited } from '../common/audit-trail';

// Permissions every caller holds (one of them), so these routes are open to anyone signed in.
const ANYONE = ['batches:read', 'sources:read', 'alerts:read', 'departments:read'] as const;

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @SelfAudited()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in (登录): answers { accessToken, expiresAt }' })
  @ApiBody({ schema: { example: { username: 'zhao.min', password: '••••••••••••' } } })
  login(@Body(new ZodPipe(loginBody)) body: LoginBody, @Req() req: Request) {
    return this.auth.login(body, req.ip ?? 'unknown');
  }

  @Post('logout')
  @Allow(...ANYONE)
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out (退出): the token stops working at once' })
  logout(@Req() req: Request): Promise<void> {
    return this.auth.logout(req.headers.authorization);
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
  @ApiOperation({ summary: 'Who I am: role, department, jurisdiction and permissions' })
  me(@Caller() caller: Principal) {
    return this.auth.me(caller);
  }
}
