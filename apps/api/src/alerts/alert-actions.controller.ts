import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ApiZodOk } from '../common/openapi';
import {
  alertEventsResponse,
  byBody,
  closeResponse,
  snoozeResponse,
  closeBody,
  MAX_SNOOZE_DAYS,
  snoozeBody,
  type CloseBody,
  type SnoozeBody,
} from './dto/alert.dto';
import { AlertActionsService } from './alert-actions.service';

// Snooze (暂缓), close (办结), reopen an alert and read its event log; see AlertActionsService.
@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertActionsController {
  constructor(private readonly actions: AlertActionsService) {}

  @Get(':id/events')
  @Allow('alerts:read')
  @ApiOperation({
    summary:
      'What happened to an alert: raised, suppressed findings (cooldown, snooze), snoozes, closing, reopening',
  })
  @ApiZodOk(alertEventsResponse)
  events(@Param('id') id: string, @Caller() caller: Principal) {
    return this.actions.events(caller, id);
  }

  // Also the officers of a department the alert was delivered to (AlertAccess: another's is 403).
  @Post(':id/snooze')
  @Allow('alerts:manage', 'alerts:snooze')
  @HttpCode(200)
  @ApiOperation({
    summary: `Snooze an open alert until a time (at most ${MAX_SNOOZE_DAYS} days): new alerts of its rule about the same subject, and escalations of its deliveries, wait until then`,
  })
  @ApiBody({
    schema: { example: { reason: '已约谈，整改期内', until: '2026-12-15T00:00:00+08:00' } },
  })
  @ApiZodOk(snoozeResponse)
  snooze(
    @Param('id') id: string,
    @Body(new ZodPipe(snoozeBody)) body: SnoozeBody,
    @Caller() caller: Principal,
  ) {
    return this.actions.snooze(caller, id, body);
  }

  @Post(':id/unsnooze')
  @Allow('alerts:manage', 'alerts:snooze')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a snooze early' })
  unsnooze(@Param('id') id: string, @Body(new ZodPipe(byBody)) _body: unknown, @Caller() caller: Principal) {
    return this.actions.unsnooze(caller, id);
  }

  @Post(':id/close')
  @Allow('alerts:manage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close an alert (办结); the same finding later raises a new one after the rule cooldown',
  })
  @ApiZodOk(closeResponse)
  close(@Param('id') id: string, @Body(new ZodPipe(closeBody)) body: CloseBody, @Caller() caller: Principal) {
    return this.actions.close(caller, id, body);
  }

  @Post(':id/reopen')
  @Allow('alerts:manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a closed alert, unless the same finding has an open alert since' })
  reopen(
    @Param('id') id: string,
    @Body(new ZodPipe(closeBody)) body: CloseBody,
    @Caller() caller: Principal,
  ) {
    return this.actions.reopen(caller, id, body);
  }
}
