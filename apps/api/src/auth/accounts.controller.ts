import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
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
import { requestListQuery, type RequestListQuery } from './dto/auth.dto';
import { ApiZodOk, ApiZodQuery, jsonSchemaOf } from '../common/openapi';
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

const ApiPending = () =>
  ApiResponse({
    status: 202,
    description: 'An administrator: a request another security administrator confirms',
    schema: jsonSchemaOf(adminRequestResponse),
  });

// Users (用户) and departmental API keys (接口密钥), for security administrators (安全管理员), within
// their jurisdiction. The three administrators (三员) are created, disabled and enabled by a request
// another security administrator confirms.
@ApiTags('access')
@Controller('api/v1')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('users')
  @Allow('users:manage')
  @ApiOperation({ summary: 'Users of my jurisdiction with their role, department and jurisdiction' })
  @ApiZodOk(userListResponse)
  users(@Caller() caller: Principal) {
    return this.accounts.users(caller);
  }

  @Post('users')
  @Allow('users:manage')
  @ApiOperation({
    summary:
      'Create a user within my jurisdiction, at or below my role (regionCode required: a code, or "national" by a national security administrator). Password ≥ 12 characters, three of upper/lower/digit/symbol, not the user name; stored as a scrypt hash. An administrator (admin, security_admin, auditor) is answered 202: a request another security administrator confirms',
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
  @ApiResponse({ status: 201, description: 'Created', schema: jsonSchemaOf(userResponse) })
  @ApiPending()
  async createUser(
    @Body(new ZodPipe(newUserSchema)) body: NewUser,
    @Caller() caller: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { status, body: out } = await this.accounts.createUser(caller, body, req.ip ?? 'unknown');
    res.status(status);
    return out;
  }

  @Post('users/:id/disable')
  @Allow('users:manage')
  @ApiOperation({
    summary:
      'Disable a user of my jurisdiction (not myself): their tokens stop working at once. An administrator: 202, a request another security administrator confirms',
  })
  @ApiZodOk(userResponse)
  @ApiPending()
  async disable(
    @Param('id') id: string,
    @Caller() caller: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { status, body } = await this.accounts.setDisabled(caller, id, true, req.ip ?? 'unknown');
    res.status(status);
    return body;
  }

  @Post('users/:id/enable')
  @Allow('users:manage')
  @ApiOperation({ summary: 'Enable a user of my jurisdiction; an administrator: 202, a request to confirm' })
  @ApiZodOk(userResponse)
  @ApiPending()
  async enable(
    @Param('id') id: string,
    @Caller() caller: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { status, body } = await this.accounts.setDisabled(caller, id, false, req.ip ?? 'unknown');
    res.status(status);
    return body;
  }

  @Post('users/:id/totp/reset')
  @Allow('users:manage')
  @ApiOperation({
    summary:
      'Reset the second factor (TOTP) of a user of my jurisdiction (lost authenticator): they enrol again at next sign-in. An administrator: 202, a request to confirm',
  })
  async resetTotp(
    @Param('id') id: string,
    @Caller() caller: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { status, body } = await this.accounts.resetTotp(caller, id, req.ip ?? 'unknown');
    res.status(status);
    return body;
  }

  @Post('users/:id/totp/enrolment-code')
  @Allow('users:manage')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Issue a one-time enrolment code (一次性绑定码) to a user of my jurisdiction without a second factor: an administrator enrols TOTP only with it. Shown in this answer only, stored hashed, used once, expires; a new code replaces the earlier one. 409 once the user is enrolled',
  })
  issueEnrolmentCode(@Param('id') id: string, @Caller() caller: Principal, @Req() req: Request) {
    return this.accounts.issueEnrolmentCode(caller, id, req.ip ?? 'unknown');
  }

  @Get('admin-requests')
  @Allow('users:manage')
  @ApiOperation({
    summary: 'Requests to create, disable or enable an administrator in my jurisdiction (?status=pending)',
  })
  @ApiZodQuery(requestListQuery)
  @ApiZodOk(adminRequestListResponse)
  requests(@Query(new ZodPipe(requestListQuery)) q: RequestListQuery, @Caller() caller: Principal) {
    return this.accounts.requests(caller, q.status);
  }

  @Post('admin-requests/:id/confirm')
  @Allow('users:manage')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Confirm a request made by another security administrator (四眼原则): the administrator is created, disabled or enabled',
  })
  @ApiZodOk(adminRequestRecord)
  confirm(@Param('id') id: string, @Caller() caller: Principal, @Req() req: Request) {
    return this.accounts.confirm(caller, id, req.ip ?? 'unknown');
  }

  @Delete('admin-requests/:id')
  @Allow('users:manage')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Withdraw a pending request (by whoever asked) or decline it (by another security administrator of its jurisdiction)',
  })
  @ApiZodOk(adminRequestRecord)
  withdraw(@Param('id') id: string, @Caller() caller: Principal, @Req() req: Request) {
    return this.accounts.withdraw(caller, id, req.ip ?? 'unknown');
  }

  @Get('api-keys')
  @Allow('users:manage')
  @ApiOperation({ summary: 'API keys of my jurisdiction’s departments (hint only, never the key)' })
  @ApiZodOk(apiKeyListResponse)
  apiKeys(@Caller() caller: Principal) {
    return this.accounts.apiKeys(caller);
  }

  @Post('api-keys')
  @Allow('users:manage')
  @ApiOperation({
    summary:
      'Create an API key scoped to sources, for a department of my jurisdiction; the key is shown once',
  })
  @ApiBody({ schema: { example: { departmentCode: '330106-SAMR', sources: ['samr-xihu'] } } })
  @ApiResponse({ status: 201, description: 'Created', schema: jsonSchemaOf(apiKeyCreatedResponse) })
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
  @ApiOperation({ summary: 'Revoke an API key of a department of my jurisdiction' })
  @ApiZodOk(apiKeyResponse)
  revoke(@Param('id') id: string, @Caller() caller: Principal, @Req() req: Request) {
    return this.accounts.revokeApiKey(caller, id, req.ip ?? 'unknown');
  }
}
