import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '@lianjian/common';
import { AlertLifecycleRepository } from '@lianjian/database';
import { actorName, type Principal } from '@lianjian/access';
import { AlertAccess } from './alert-access';
import { MAX_SNOOZE_DAYS, type CloseBody, type SnoozeBody } from './dto/alert.dto';

// What staff do with an alert besides acknowledging it: snooze it (暂缓, with an expiry and a reason),
// close it (办结) or reopen it, and read everything that happened to it. Every action is in its
// event log with who did it and why.
@Injectable()
export class AlertActionsService {
  constructor(
    private readonly lifecycle: AlertLifecycleRepository,
    private readonly access: AlertAccess,
  ) {}

  async events(caller: Principal, id: string) {
    const items = await this.lifecycle.events(await this.alertId(caller, id));
    if (!items.length) throw new NotFoundError(`no alert ${id} (or it has no events yet)`);
    return { items, nextCursor: null };
  }

  async snooze(caller: Principal, id: string, b: SnoozeBody) {
    const until = new Date(b.until);
    const now = Date.now();
    if (until.getTime() <= now) throw new InvalidInputError('invalid body', ['until: must be in the future']);
    if (until.getTime() > now + MAX_SNOOZE_DAYS * 86_400_000)
      throw new InvalidInputError('invalid body', [`until: at most ${MAX_SNOOZE_DAYS} days from now`]);
    const res = await this.lifecycle.snooze(
      await this.alertId(caller, id),
      until,
      b.reason,
      actorName(caller),
    );
    return { alertId: id, snoozedUntil: res.snoozedUntil, reason: b.reason, by: actorName(caller) };
  }

  async unsnooze(caller: Principal, id: string) {
    await this.lifecycle.unsnooze(await this.alertId(caller, id), actorName(caller));
    return { alertId: id, snoozedUntil: null };
  }

  async close(caller: Principal, id: string, b: CloseBody) {
    const res = await this.lifecycle.close(await this.alertId(caller, id), actorName(caller), b.reason);
    return { alertId: id, status: 'closed', closedAt: res.closedAt };
  }

  async reopen(caller: Principal, id: string, b: CloseBody) {
    await this.lifecycle.reopen(await this.alertId(caller, id), actorName(caller), b.reason);
    return { alertId: id, status: 'open' };
  }

  // 404 for no such alert, 403 when it is outside the caller's department or jurisdiction.
  private async alertId(caller: Principal, id: string): Promise<string> {
    return (await this.access.visible(caller, id)).id;
  }
}
