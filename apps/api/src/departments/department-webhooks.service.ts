import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@lianjian/common';
import { DepartmentWebhooks } from '@lianjian/delivery';
import type { SetWebhookBody } from './dto/department-webhook.dto';

// A department's webhook (部门推送地址): where its joint alerts are POSTed, and the secrets that sign
// them. A department without a URL reads its alerts in the inbox (GET /api/v1/alerts?department=…).
@Injectable()
export class DepartmentWebhooksService {
  constructor(private readonly webhooks: DepartmentWebhooks) {}

  // The URL and the secrets' key ids, never the secrets.
  async get(code: string) {
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

  async set(code: string, b: SetWebhookBody) {
    const e = await this.webhooks.setUrl(code, b.url);
    if (!e) throw new NotFoundError(`no department ${code}`);
    return { department: e.code, url: e.webhookUrl };
  }

  // The new secret is shown in this answer only.
  async rotate(code: string) {
    const res = await this.webhooks.rotateSecret(code);
    if (!res) throw new NotFoundError(`no department ${code}`);
    return { keyId: res.keyId, secret: res.secret, createdAt: res.createdAt };
  }
}
