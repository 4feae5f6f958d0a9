import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '../common/query';
import { InvalidInputError, NotFoundError } from '@lianjian/common';
import { AlertLifecycleRepository } from '@lianjian/database';

const MAX_SNOOZE_DAYS = 90;
const by = z.string().trim().min(1, 'say who does it').max(100);
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

function alertId(id: string): string {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no alert ${id}`);
  return id;
}

// What staff do with an alert besides acknowledging it: snooze it (暂缓, with an expiry and a reason),
// close it (办结) or reopen it, and read everything that happened to it. Every action is in its
// event log with who did it and why.
@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertActionsController {
  constructor(private readonly lifecycle: AlertLifecycleRepository) {}

  @Get(':id/events')
  @ApiOperation({
    summary:
      'What happened to an alert: raised, suppressed findings (cooldown, snooze), snoozes, closing, reopening',
  })
  async events(@Param('id') id: string) {
    const items = await this.lifecycle.events(alertId(id));
    if (!items.length) throw new NotFoundError(`no alert ${id} (or it has no events yet)`);
    return { items, nextCursor: null };
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @ApiOperation({
    summary: `Snooze an open alert until a time (at most ${MAX_SNOOZE_DAYS} days): new alerts of its rule about the same subject, and escalations of its deliveries, wait until then`,
  })
  @ApiBody({
    schema: { example: { by: 'zhao.min', reason: '已约谈，整改期内', until: '2026-12-15T00:00:00+08:00' } },
  })
  async snooze(@Param('id') id: string, @Body() body: unknown) {
    const b = parseBody(snoozeBody, body);
    const until = new Date(b.until);
    const now = Date.now();
    if (until.getTime() <= now) throw new InvalidInputError('invalid body', ['until: must be in the future']);
    if (until.getTime() > now + MAX_SNOOZE_DAYS * 86_400_000)
      throw new InvalidInputError('invalid body', [`until: at most ${MAX_SNOOZE_DAYS} days from now`]);
    const res = await this.lifecycle.snooze(alertId(id), until, b.reason, b.by);
    return { alertId: id, snoozedUntil: res.snoozedUntil, reason: b.reason, by: b.by };
  }

  @Post(':id/unsnooze')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a snooze early' })
  async unsnooze(@Param('id') id: string, @Body() body: unknown) {
    const b = parseBody(byBody, body);
    await this.lifecycle.unsnooze(alertId(id), b.by);
    return { alertId: id, snoozedUntil: null };
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close an alert (办结); the same finding later raises a new one after the rule cooldown',
  })
  async close(@Param('id') id: string, @Body() body: unknown) {
    const b = parseBody(closeBody, body);
    const res = await this.lifecycle.close(alertId(id), b.by, b.reason);
    return { alertId: id, status: 'closed', closedAt: res.closedAt };
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a closed alert, unless the same finding has an open alert since' })
  async reopen(@Param('id') id: string, @Body() body: unknown) {
    const b = parseBody(closeBody, body);
    await this.lifecycle.reopen(alertId(id), b.by, b.reason);
    return { alertId: id, status: 'open' };
  }
}
