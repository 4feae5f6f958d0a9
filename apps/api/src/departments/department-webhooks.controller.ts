import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ApiZodOk, jsonSchemaOf } from '../common/openapi';
import {
  webhookResponse,
  webhookRotatedResponse,
  webhookSetResponse,
} from './dto/department-webhook-responses';
import { setWebhookBody, type SetWebhookBody } from './dto/department-webhook.dto';
import { DepartmentWebhooksService } from './department-webhooks.service';

// A department's webhook (部门推送地址): where its joint alerts are POSTed, and the secrets that sign
// them. A department without a URL reads its alerts in the inbox (GET /api/v1/alerts?department=…).
@ApiTags('delivery')
@Controller('api/v1/departments/:code/webhook')
export class DepartmentWebhooksController {
  constructor(private readonly webhooks: DepartmentWebhooksService) {}

  @Get()
  @Allow('departments:manage')
  @ApiOperation({
    summary: "A department's webhook URL and its signing secrets' key ids (never the secrets)",
  })
  @ApiZodOk(webhookResponse)
  get(@Caller() caller: Principal, @Param('code') code: string) {
    return this.webhooks.get(caller, code);
  }

  @Put()
  @Allow('departments:manage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set (or, with null, clear) the webhook URL',
    description:
      'Alerts raised from now on are delivered to it (signed, retried with backoff); null sends them to the inbox. Only public addresses (internal ones with WEBHOOK_ALLOWED_NETWORKS), over https in production; within the caller’s jurisdiction.',
  })
  @ApiBody({ schema: { example: { url: 'https://tax.example.gov.cn/lianjian/alerts' } } })
  @ApiZodOk(webhookSetResponse)
  set(
    @Caller() caller: Principal,
    @Param('code') code: string,
    @Body(new ZodPipe(setWebhookBody)) body: SetWebhookBody,
  ) {
    return this.webhooks.set(caller, code, body);
  }

  @Post('secret/rotate')
  @Allow('departments:manage')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rotate the signing secret (轮换密钥): a new secret signs from now on',
    description:
      'The secret is shown in this answer only. The previous secret is kept as retired, so a receiver can accept both (by X-Lianjian-Key-Id) while it rolls over.',
  })
  @ApiResponse({
    status: 201,
    schema: {
      ...jsonSchemaOf(webhookRotatedResponse),
      example: { keyId: 'k_m3x1a2b3c4', secret: 'whsec_…', createdAt: '…' },
    },
  })
  rotate(@Caller() caller: Principal, @Param('code') code: string) {
    return this.webhooks.rotate(caller, code);
  }
}
