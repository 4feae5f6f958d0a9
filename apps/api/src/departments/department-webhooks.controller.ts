import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '@lianjian/common';
import { DepartmentWebhooks } from '@lianjian/delivery';
import { Allow } from '../auth/access.decorator';

const webhookUrl = z
  .string()
  .trim()
  .max(2048, 'url must be at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'url must be an absolute https:// or http:// URL')
  // Credentials in a URL would be shown back by GET; the signature is how a receiver authenticates us.
  .refine((v) => !/^[a-z]+:\/\/[^/]*@/i.test(v), 'url must not contain user:password@');

const setWebhookBody = z.strictObject({
  url: webhookUrl.nullable(),
});

// A department's webhook (部门推送地址): where its joint alerts are POSTed, and the secrets that sign
// them. A department without a URL reads its alerts in the inbox (GET /api/v1/alerts?department=…).
@ApiTags('delivery')
@Controller('api/v1/departments/:code/webhook')
export class DepartmentWebhooksController {
  constructor(private readonly webhooks: DepartmentWebhooks) {}

  @Get()
  @Allow('departments:manage')
  @ApiOperation({
    summary: "A department's webhook URL and its signing secrets' key ids (never the secrets)",
  })
  async get(@Param('code') code: string) {
    const e = await this.webhooks.endpoint(code);
    if (!e) throw new NotFoundError(`no department ${code}`);
    return {
      department: e.code,
      url: e.webhookUrl,
      secrets: e.secrets.map((s) => ({
        keyId: s.keyId,
        status: s.retiredAt ? 'retired' : 'active',
        createdAt: s.createdAt,
        retiredAt: s.retiredAt,
      })),
    };
  }

  @Put()
  @Allow('departments:manage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set (or, with null, clear) the webhook URL',
    description:
      'Alerts raised from now on are delivered to it (signed, retried with backoff); null sends them to the inbox.',
  })
  @ApiBody({ schema: { example: { url: 'https://tax.example.gov.cn/lianjian/alerts' } } })
  async set(@Param('code') code: string, @Body() body: unknown) {
    const parsed = setWebhookBody.safeParse(body ?? {});
    if (!parsed.success)
      throw new InvalidInputError(
        'invalid webhook',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
      );
    const e = await this.webhooks.setUrl(code, parsed.data.url);
    if (!e) throw new NotFoundError(`no department ${code}`);
    return { department: e.code, url: e.webhookUrl };
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
    schema: { example: { keyId: 'k_m3x1a2b3c4', secret: 'whsec_…', createdAt: '…' } },
  })
  async rotate(@Param('code') code: string) {
    const res = await this.webhooks.rotateSecret(code);
    if (!res) throw new NotFoundError(`no department ${code}`);
    return { keyId: res.keyId, secret: res.secret, createdAt: res.createdAt };
  }
}
