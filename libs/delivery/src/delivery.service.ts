import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@lianjian/common';
import { DeliveryRepository, type AttemptView, type DeliveryRef } from '@lianjian/database';

// What staff do with a webhook delivery through the API: look at its attempts, send it again.
@Injectable()
export class DeliveryService {
  constructor(private readonly deliveries: DeliveryRepository) {}

  async attempts(
    alertId: string,
    department: string,
  ): Promise<{ delivery: DeliveryRef; items: AttemptView[] }> {
    const d = await this.find(alertId, department);
    return { delivery: d, items: await this.deliveries.attempts(d.id) };
  }

  // 补发: a dead, failed or delivered webhook delivery goes back to pending (attempt history kept).
  async redeliver(alertId: string, department: string, actor: string) {
    const d = await this.find(alertId, department);
    if (d.channel !== 'webhook')
      throw new DomainError(
        'conflict',
        `alert ${alertId}'s delivery to ${department} is an inbox delivery; only webhook deliveries are redelivered`,
      );
    if (d.status === 'acknowledged')
      throw new DomainError(
        'conflict',
        `alert ${alertId}'s delivery to ${department} is already acknowledged`,
      );
    const res = await this.deliveries.redeliver(d.id, actor);
    if (!res)
      throw new DomainError(
        'conflict',
        `alert ${alertId}'s delivery to ${department} changed meanwhile; try again`,
      );
    return { alertId, department, previousStatus: d.status, ...res };
  }

  private async find(alertId: string, department: string): Promise<DeliveryRef> {
    const d = /^\d{1,18}$/.test(alertId) ? await this.deliveries.find(alertId, department) : undefined;
    if (!d) throw new NotFoundError(`alert ${alertId} has no delivery to department ${department}`);
    return d;
  }
}
