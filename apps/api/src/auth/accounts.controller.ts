import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { NotFoundError } from '@lianjian/common';
import {
  AccessRepository,
  AuditRepository,
  createApiKeyAccount,
  createUserAccount,
} from '@lianjian/database';
import { actorName, actorRole, ROLE_LABELS, type Principal } from '@lianjian/access';
import { Allow, Caller } from './access.decorator';

const idParam = (id: string): string => {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no such id ${id}`);
  return id;
};

// Users (用户) and departmental API keys (接口密钥), for administrators.
@ApiTags('access')
@Controller('api/v1')
export class AccountsController {
  constructor(
    private readonly access: AccessRepository,
    private readonly audit: AuditRepository,
  ) {}

  private by(caller: Principal, req: Request) {
    return { actor: actorName(caller), role: actorRole(caller), source: req.ip ?? 'unknown' };
  }

  @Get('users')
  @Allow('users:manage')
  @ApiOperation({ summary: 'Users with their role, department and jurisdiction' })
  async users() {
    return { items: (await this.access.listUsers()).map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role] })) };
  }

  @Post('users')
  @Allow('users:manage')
  @ApiOperation({ summary: 'Create a user (password ≥ 12 characters, stored as a scrypt hash)' })
  @ApiBody({
    schema: {
      example: {
        username: 'wang.fang',
        password: 'a long passphrase',
        role: 'department_officer',
        departmentCode: '330106-SAMR',
        regionCode: '330106',
      },
    },
  })
  async createUser(@Body() body: unknown, @Caller() caller: Principal, @Req() req: Request) {
    return createUserAccount(this.access, this.audit, body, this.by(caller, req));
  }

  @Post('users/:id/disable')
  @Allow('users:manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user: their tokens stop working at once' })
  async disable(@Param('id') id: string) {
    const row = await this.access.setDisabled(idParam(id), true);
    if (!row) throw new NotFoundError(`no user ${id}`);
    return row;
  }

  @Post('users/:id/enable')
  @Allow('users:manage')
  @HttpCode(200)
  async enable(@Param('id') id: string) {
    const row = await this.access.setDisabled(idParam(id), false);
    if (!row) throw new NotFoundError(`no user ${id}`);
    return row;
  }

  @Get('api-keys')
  @Allow('users:manage')
  @ApiOperation({ summary: 'API keys of departmental systems (hint only, never the key)' })
  async apiKeys() {
    return { items: await this.access.listApiKeys() };
  }

  @Post('api-keys')
  @Allow('users:manage')
  @ApiOperation({ summary: 'Create an API key scoped to sources; the key is shown once' })
  @ApiBody({ schema: { example: { departmentCode: '330106-SAMR', sources: ['samr-xihu'] } } })
  async createApiKey(@Body() body: unknown, @Caller() caller: Principal, @Req() req: Request) {
    const { key, row } = await createApiKeyAccount(this.access, this.audit, body, this.by(caller, req));
    return { ...row, key };
  }

  @Post('api-keys/:id/revoke')
  @Allow('users:manage')
  @HttpCode(200)
  async revoke(@Param('id') id: string) {
    const row = await this.access.revokeApiKey(idParam(id));
    if (!row) throw new NotFoundError(`no API key ${id}`);
    return row;
  }
}
