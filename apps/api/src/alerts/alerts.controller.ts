import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AlertRepository, EntityRepository } from '@lianjian/database';
import { NotFoundError, InvalidInputError } from '@lianjian/common';
import { parseEntityKey } from '@lianjian/domain';
import { parseParams } from '../common/query';

const ALERT_STATUSES = ['open', 'closed'];
const DELIVERY_STATUSES = ['pending', 'delivered', 'acknowledged', 'failed', 'dead'];

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
  ) {}

  @Get()
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
  async list(@Query() query: unknown) {
    const q = parseParams(alertsQuery, query);
    let entityId: string | undefined;
    if (q.entity) {
      const ref = parseEntityKey(q.entity);
      if (!ref) throw new InvalidInputError(`entity '${q.entity}' is neither a valid USCC nor scheme:id`);
      const e = await this.entities.findByRef(ref);
      if (!e) return { items: [], nextCursor: null };
      entityId = e.id;
    }
    const rows = await this.alerts.list({
      department: q.department,
      alertStatus: q.status && ALERT_STATUSES.includes(q.status) ? q.status : undefined,
      deliveryStatus: q.status && DELIVERY_STATUSES.includes(q.status) ? q.status : undefined,
      entityId,
      source: q.source,
      since: q.since ? new Date(q.since) : undefined,
      before: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((a) => ({
        id: a.id,
        ruleId: a.ruleId,
        ruleVersion: a.ruleVersion,
        finding: a.findingType,
        severity: a.severity,
        status: a.status,
        title: a.title,
        explanation: a.explanation,
        // An alert is about an entity, or (feed findings) about a source's feed.
        entity: a.entity
          ? { key: a.entity.uscc ?? `${a.entity.scheme}:${a.entity.externalId}`, ...a.entity }
          : null,
        source: a.source,
        triggerRecordIds: a.triggerRecordIds,
        occurrences: a.occurrences,
        createdAt: a.createdAt,
        updatedAt: a.updatedAt,
        deliveries: a.deliveries,
      })),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  @Post(':id/deliveries/:department/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'A department acknowledges its delivery (签收)' })
  async ack(@Param('id') id: string, @Param('department') department: string) {
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no alert ${id}`);
    const res = await this.alerts.acknowledge(id, department);
    if (!res) throw new NotFoundError(`alert ${id} has no delivery to department ${department}`);
    return { alertId: id, department, status: res.status, acknowledgedAt: res.acknowledgedAt };
  }
}
