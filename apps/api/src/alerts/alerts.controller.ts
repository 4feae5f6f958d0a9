import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AlertRepository, alertItem, EntityRepository } from '@lianjian/database';
import { NotFoundError, InvalidInputError } from '@lianjian/common';
import { DeliveryService } from '@lianjian/delivery';
import { parseParams } from '../common/query';
import { actorName, type Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { assertOwnDepartment } from '../auth/scope';
import { AlertAccess, alertScope } from './alert-access';
import { entityFilter } from '../common/entity-filter';

const ALERT_STATUSES = ['open', 'closed'];
const DELIVERY_STATUSES = ['pending', 'delivered', 'acknowledged', 'failed', 'dead'];

const redeliverBody = z.strictObject({
  by: z.string().trim().min(1).max(100).optional(),
});

const alertsQuery = z.strictObject({
  department: z.string().min(1).max(64).optional(),
  status: z
    .enum([...ALERT_STATUSES, ...DELIVERY_STATUSES] as [string, ...string[]], {
      error: `status must be one of ${[...ALERT_STATUSES, ...DELIVERY_STATUSES].join(', ')}`,
    })
    .optional(),
  entity: z.string().min(1).max(200).optional(),
  source: z.string().min(1).max(64).optional(),
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'since must be an ISO 8601 date or date-time')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^\d+$/, 'cursor must be the nextCursor of a previous page').optional(),
});

@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly entities: EntityRepository,
    private readonly deliveries: DeliveryService,
    private readonly access: AlertAccess,
  ) {}

  @Get()
  @Allow('alerts:read')
  @ApiOperation({ summary: 'Joint alerts (一处发现、多方联动) with their deliveries, newest first' })
  @ApiQuery({ name: 'department', required: false, description: 'alerts delivered to this department' })
  @ApiQuery({
    name: 'status',
    required: false,
    description: 'alert status (open, closed) or delivery status',
  })
  @ApiQuery({ name: 'entity', required: false, description: 'USCC or scheme:id' })
  @ApiQuery({ name: 'source', required: false, description: 'alerts about this feed (stalled, empty…)' })
  @ApiQuery({ name: 'since', required: false })
  async list(@Query() query: unknown, @Caller() caller: Principal) {
    const q = parseParams(alertsQuery, query);
    if (q.department) assertOwnDepartment(caller, q.department, `department ${q.department}'s inbox`);
    const entityId = await entityFilter(this.entities, q.entity);
    if (entityId === null) return { items: [], nextCursor: null };
    const rows = await this.alerts.list({
      department: q.department,
      alertStatus: q.status && ALERT_STATUSES.includes(q.status) ? q.status : undefined,
      deliveryStatus: q.status && DELIVERY_STATUSES.includes(q.status) ? q.status : undefined,
      entityId,
      source: q.source,
      since: q.since ? new Date(q.since) : undefined,
      before: q.cursor,
      limit: q.limit + 1,
      ...alertScope(caller),
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(alertItem),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  @Post(':id/deliveries/:department/ack')
  @HttpCode(200)
  @Allow('alerts:ack')
  @ApiOperation({ summary: 'A department acknowledges its delivery (签收): its officer or its system' })
  async ack(@Param('id') id: string, @Param('department') department: string, @Caller() caller: Principal) {
    assertOwnDepartment(caller, department, `the delivery to ${department}`);
    await this.access.visible(caller, id);
    const res = await this.alerts.acknowledge(id, department);
    if (!res) throw new NotFoundError(`alert ${id} has no delivery to department ${department}`);
    return { alertId: id, department, status: res.status, acknowledgedAt: res.acknowledgedAt };
  }

  @Post(':id/deliveries/:department/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a webhook delivery again (补发)',
    description:
      'A dead, failed or delivered webhook delivery goes back to pending and is sent at once, with the same Idempotency-Key; its attempts are kept. 409 for an inbox or acknowledged delivery.',
  })
  @Allow('alerts:manage')
  async redeliver(
    @Param('id') id: string,
    @Param('department') department: string,
    @Body() body: unknown,
    @Caller() caller: Principal,
  ) {
    await this.access.visible(caller, id);
    const parsed = redeliverBody.safeParse(body ?? {});
    if (!parsed.success)
      throw new InvalidInputError(
        'invalid redelivery',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
      );
    return this.deliveries.redeliver(id, department, actorName(caller));
  }

  @Get(':id/deliveries/:department/attempts')
  @ApiOperation({
    summary:
      "Every attempt of a webhook delivery: when, how long, the receiver's status or the error, the outcome",
  })
  @Allow('alerts:read')
  async attempts(
    @Param('id') id: string,
    @Param('department') department: string,
    @Caller() caller: Principal,
  ) {
    assertOwnDepartment(caller, department, `the delivery to ${department}`);
    await this.access.visible(caller, id);
    const { delivery, items } = await this.deliveries.attempts(id, department);
    return { alertId: id, department, channel: delivery.channel, status: delivery.status, items };
  }
}
