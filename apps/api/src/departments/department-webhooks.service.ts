import { Injectable } from '@nestjs/common';
import { ForbiddenError, InvalidInputError, NotFoundError } from '@lianjian/common';
import {
  actorName,
  actorRole,
  inJurisdiction,
  principalJurisdiction,
  type Principal,
} from '@lianjian/access';
import { DepartmentWebhooks } from '@lianjian/delivery';
import type { SetWebhookBody } from './dto/department-webhook.dto';

// A department's webhook (部门推送地址): where its joint alerts are POSTed, and the secrets that sign
// them. A department without a URL reads its alerts in the inbox (GET /api/v1/alerts?department=…).
// An administrator manages the webhooks of the departments in their jurisdiction (辖区) only.
@Injectable()
export class DepartmentWebhooksService {
  constructor(private readonly webhooks: DepartmentWebhooks) {}

  // The URL and the secrets' key ids, never the secrets.
  async get(caller: Principal, code: string) {
    const e = await this.inJurisdiction(caller, code);
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

  // The audit entry of the change names the previous URL and the new one.
  async set(caller: Principal, code: string, b: SetWebhookBody) {
    await this.inJurisdiction(caller, code);
    const problem = b.url === null ? null : this.webhooks.urlProblem(b.url);
    if (problem)
      throw new InvalidInputError('invalid body', [
        `url: ${problem}: webhooks go to public addresses, over https:// in production / 推送地址须为公网地址（生产环境须使用 https）`,
      ]);
    const e = await this.webhooks.setUrl(code, b.url, (previousUrl) => ({
      actor: actorName(caller),
      role: actorRole(caller),
      action: 'department.webhook.set',
      target: `department:${code}`,
      result: 'ok',
      detail: { department: code, previousUrl, url: b.url },
    }));
    if (!e) throw new NotFoundError(`no department ${code}`);
    return { department: e.code, url: e.webhookUrl };
  }

  // The new secret is shown in this answer only.
  async rotate(caller: Principal, code: string) {
    await this.inJurisdiction(caller, code);
    const res = await this.webhooks.rotateSecret(code);
    if (!res) throw new NotFoundError(`no department ${code}`);
    return { keyId: res.keyId, secret: res.secret, createdAt: res.createdAt };
  }

  private async inJurisdiction(caller: Principal, code: string) {
    const e = await this.webhooks.endpoint(code);
    if (!e) throw new NotFoundError(`no department ${code}`);
    const prefix = principalJurisdiction(caller);
    if (prefix === null || !inJurisdiction(prefix, e.regionCode))
      throw new ForbiddenError(
        `department ${code} is outside your jurisdiction ${prefix || 'national'} / 该部门不在您的辖区内`,
      );
    return e;
  }
}
