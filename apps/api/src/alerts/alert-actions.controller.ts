import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '../common/query';
import { InvalidInputError, NotFoundError } from '@lianjian/common';
import { AlertLifecycleRepository } from '@lianjian/database';
import { actorName, type Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { AlertAccess } from './alert-access';

const MAX_SNOOZE_DAYS = 90;
// Who acts is the signed-in caller; a `by` in the body is accepted for older clients and ignored.
const by = z.string().trim().max(100).optional();
const reason = z.string().trim().min(1, 'say why').max(2000);
const snoozeBody = z.strictObject({
  by,
  reason,
  until: z
    .string()
    .refine(
      (s) => !Number.isNaN(Date.parse(s)),
      'until must be an ISO 8601 date-time, e.g. 2026-12-01T09:00:00+08:00',
    ),
});
const byBody = z.strictObject({ by });
const closeBody = z.strictObject({ by, reason });

// What staff do with an alert besides acknowledging it: snooze it (暂缓, with an expiry and a reason),
// close it (办结) or reopen it, and read everything that happened to it. Every action is in its
// event log with who did it and why.
@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertActionsController {
  constructor(
    private readonly lifecycle: AlertLifecycleRepository,
    private readonly access: AlertAccess,
  ) {}

  // 404 for no such alert, 403 when it is outside the caller's department or jurisdiction.
  private async alertId(caller: Principal, id: string): Promise<string> {
    return (await this.access.visible(caller, id)).id;
  }

  @Get(':id/events')
  @Allow('alerts:read')
  @ApiOperation({
    summary:
      'What happened to an alert: raised, suppressed findings (cooldown, snooze), snoozes, closing, reopening',
  })
  async events(@Param('id') id: string, @Caller() caller: Principal) {
    const items = await this.lifecycle.events(await this.alertId(caller, id));
    if (!items.length) throw new NotFoundError(`no alert ${id} (or it has no events yet)`);
    return { items, nextCursor: null };
  }

  @Post(':id/snooze')
  @Allow('alerts:manage')
  @HttpCode(200)
  @ApiOperation({
    summary: `Snooze an open alert until a time (at most ${MAX_SNOOZE_DAYS} days): new alerts of its rule about the same subject, and escalations of its deliveries, wait until then`,
  })
  @ApiBody({
    schema: { example: { reason: '已约谈，整改期内', until: '2026-12-15T00:00:00+08:00' } },
  })
  async snooze(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const b = parseBody(snoozeBody, body);
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

  @Post(':id/unsnooze')
  @Allow('alerts:manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a snooze early' })
  async unsnooze(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    parseBody(byBody, body);
    await this.lifecycle.unsnooze(await this.alertId(caller, id), actorName(caller));
    return { alertId: id, snoozedUntil: null };
  }

  @Post(':id/close')
  @Allow('alerts:manage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close an alert (办结); the same finding later raises a new one after the rule cooldown',
  })
  async close(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const b = parseBody(closeBody, body);
    const res = await this.lifecycle.close(await this.alertId(caller, id), actorName(caller), b.reason);
    return { alertId: id, status: 'closed', closedAt: res.closedAt };
  }

  @Post(':id/reopen')
  @Allow('alerts:manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a closed alert, unless the same finding has an open alert since' })
  async reopen(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const b = parseBody(closeBody, body);
    await this.lifecycle.reopen(await this.alertId(caller, id), actorName(caller), b.reason);
    return { alertId: id, status: 'open' };
  }
}
