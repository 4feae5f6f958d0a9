import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  newApiKeySchema,
  newUserSchema,
  type NewApiKey,
  type NewUser,
  type Principal,
} from '@lianjian/access';
import { ZodPipe } from '../common/zod.pipe';
import { Allow, Caller } from './access.decorator';
import { AccountsService } from './accounts.service';

// Users (用户) and departmental API keys (接口密钥), for administrators.
@ApiTags('access')
@Controller('api/v1')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('users')
  @Allow('users:manage')
  @ApiOperation({ summary: 'Users with their role, department and jurisdiction' })
  users() {
    return this.accounts.users();
  }

  @Post('users')
  @Allow('users:manage')
  @ApiOperation({
    summary:
      'Create a user (password ≥ 12 characters, three of upper/lower/digit/symbol, not the user name; stored as a scrypt hash)',
  })
  @ApiBody({
    schema: {
      example: {
        username: 'wang.fang',
        password: 'A long passphrase 2026',
        role: 'department_officer',
        departmentCode: '330106-SAMR',
        regionCode: '330106',
      },
    },
  })
  createUser(
    @Body(new ZodPipe(newUserSchema)) body: NewUser,
    @Caller() caller: Principal,
    @Req() req: Request,
  ) {
    return this.accounts.createUser(caller, body, req.ip ?? 'unknown');
  }

  @Post('users/:id/disable')
  @Allow('users:manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user: their tokens stop working at once' })
  disable(@Param('id') id: string) {
    return this.accounts.setDisabled(id, true);
  }

  @Post('users/:id/enable')
  @Allow('users:manage')
  @HttpCode(200)
  enable(@Param('id') id: string) {
    return this.accounts.setDisabled(id, false);
  }

  @Get('api-keys')
  @Allow('users:manage')
  @ApiOperation({ summary: 'API keys of departmental systems (hint only, never the key)' })
  apiKeys() {
    return this.accounts.apiKeys();
  }

  @Post('api-keys')
  @Allow('users:manage')
  @ApiOperation({ summary: 'Create an API key scoped to sources; the key is shown once' })
  @ApiBody({ schema: { example: { departmentCode: '330106-SAMR', sources: ['samr-xihu'] } } })
  createApiKey(
    @Body(new ZodPipe(newApiKeySchema)) body: NewApiKey,
    @Caller() caller: Principal,
    @Req() req: Request,
  ) {
    return this.accounts.createApiKey(caller, body, req.ip ?? 'unknown');
  }

  @Post('api-keys/:id/revoke')
  @Allow('users:manage')
  @HttpCode(200)
  revoke(@Param('id') id: string) {
    return this.accounts.revokeApiKey(id);
  }
}
