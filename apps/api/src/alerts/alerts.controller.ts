import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodOk, ApiZodQuery } from '../common/openapi';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import {
  ackResponse,
  alertListResponse,
  alertsQuery,
  redeliverBody,
  type AlertsQuery,
} from './dto/alert.dto';
import { AlertsService } from './alerts.service';

@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Allow('alerts:read')
  @ApiOperation({ summary: 'Joint alerts (一处发现、多方联动) with their deliveries, newest first' })
  @ApiZodQuery(alertsQuery)
  @ApiZodOk(alertListResponse)
  list(@Query(new ZodPipe(alertsQuery)) query: AlertsQuery, @Caller() caller: Principal) {
    return this.alerts.list(caller, query);
  }

  @Post(':id/deliveries/:department/ack')
  @HttpCode(200)
  @Allow('alerts:ack')
  @ApiOperation({ summary: 'A department acknowledges its delivery (签收): its officer or its system' })
  @ApiZodOk(ackResponse)
  ack(@Param('id') id: string, @Param('department') department: string, @Caller() caller: Principal) {
    return this.alerts.acknowledge(caller, id, department);
  }

  @Post(':id/deliveries/:department/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a webhook delivery again (补发)',
    description:
      'A dead, failed or delivered webhook delivery goes back to pending and is sent at once, with the same Idempotency-Key; its attempts are kept. 409 for an inbox or acknowledged delivery.',
  })
  @Allow('alerts:manage')
  redeliver(
    @Param('id') id: string,
    @Param('department') department: string,
    @Body(new ZodPipe(redeliverBody)) _body: unknown,
    @Caller() caller: Principal,
  ) {
    return this.alerts.redeliver(caller, id, department);
  }

  @Get(':id/deliveries/:department/attempts')
  @ApiOperation({
    summary:
      "Every attempt of a webhook delivery: when, how long, the receiver's status or the error, the outcome",
  })
  @Allow('alerts:read')
  attempts(@Param('id') id: string, @Param('department') department: string, @Caller() caller: Principal) {
    return this.alerts.attempts(caller, id, department);
  }
}
