import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@lianjian/access';
import { ConflictError } from '@lianjian/common';
import { INSPECTION_METHOD_LABELS, STRATUM_LABELS } from '@lianjian/planning';
import { Allow, Caller } from '../auth/access.decorator';
import { AuditedRead } from '../common/audit-trail';
import { ZodPipe } from '../common/zod.pipe';
import {
  createPlanBody,
  listPlansQuery,
  listTasksQuery,
  planIdParam,
  publicationQuery,
  publishBody,
  taskResultBody,
  type CreatePlanBody,
  type ListPlansQuery,
  type ListTasksQuery,
  type PublicationQuery,
  type PublishBody,
  type TaskResultBody,
} from './dto/planning.dto';
import { PlanningService, publicationCsv } from './planning.service';

const PLAN_EXAMPLE = {
  title: '2027年第一季度西湖区食品经营者双随机抽查',
  items: ['SAMR-FOOD-OPERATION'],
  regionCode: '330106',
  periodStart: '2027-01-04',
  periodEnd: '2027-03-31',
  budget: 200,
  policy: 'default',
  exclusions: { inspectedWithinMonths: 12, openCase: true, registeredWithinMonths: 0 },
};

// 双随机、一公开: the item list and policies (一单), inspection plans through draft → frozen → drawn
// → staffed, the draw's verification, tasks and their results, and the publications (一公开).
@ApiTags('inspection-planning')
@Controller('api/v1')
export class PlansController {
  constructor(private readonly planning: PlanningService) {}

  @Get('inspection-items')
  @Allow('planning:read')
  @ApiOperation({ summary: 'The random inspection item list (随机抽查事项清单) and the sampling policies' })
  items() {
    return {
      items: [...this.planning.items.values()].map((i) => ({
        ...i,
        methodLabel: INSPECTION_METHOD_LABELS[i.method],
      })),
      policies: [...this.planning.policies.values()],
      strata: STRATUM_LABELS,
      calendarYears: this.planning.calendar.coveredYears.map((y) => ({
        year: y,
        certain: this.planning.calendar.isCertain(y),
      })),
    };
  }

  @Post('inspection-plans')
  @Allow('planning:plan')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Draft a plan (制定抽查计划): items, population, period, budget, sampling ratios by class',
    description:
      "An officer plans for their own department; a coordinator a joint plan of two or more departments. Refused (400, nothing stored) when an item is unknown or no planning department covers its domain, a ratio is outside [0, 1] or its class's range, the budget is below one per stratum, or a department has no active inspector for an item's domain in the region. The answer shows the expected count per class (as of now).",
  })
  @ApiBody({ schema: { example: PLAN_EXAMPLE } })
  create(@Body(new ZodPipe(createPlanBody)) body: CreatePlanBody, @Caller() caller: Principal) {
    return this.planning.create(caller, body);
  }

  @Get('inspection-plans')
  @Allow('planning:read')
  @ApiOperation({ summary: 'Plans in your jurisdiction (officers: their department’s), newest first' })
  list(@Query(new ZodPipe(listPlansQuery)) q: ListPlansQuery, @Caller() caller: Principal) {
    return this.planning.list(caller, q);
  }

  @Get('inspection-plans/:id')
  @Allow('planning:read')
  @ApiOperation({ summary: 'One plan, with its expected (draft) or frozen counts per class' })
  get(@Param('id', new ZodPipe(planIdParam)) id: string, @Caller() caller: Principal) {
    return this.planning.get(caller, id);
  }

  @Put('inspection-plans/:id')
  @Allow('planning:plan')
  @ApiOperation({ summary: 'Edit a draft (409 once frozen)' })
  @ApiBody({ schema: { example: PLAN_EXAMPLE } })
  update(
    @Param('id', new ZodPipe(planIdParam)) id: string,
    @Body(new ZodPipe(createPlanBody)) body: CreatePlanBody,
    @Caller() caller: Principal,
  ) {
    return this.planning.update(caller, id, body);
  }

  @Post('inspection-plans/:id/freeze')
  @Allow('planning:plan')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Freeze (冻结): the population snapshot is fixed and hashed, a seed drawn and its commitment published',
    description: 'Once only (409 after). The seed stays secret until the draw.',
  })
  freeze(@Param('id', new ZodPipe(planIdParam)) id: string, @Caller() caller: Principal) {
    return this.planning.freeze(caller, id);
  }

  @Post('inspection-plans/:id/draw')
  @Allow('planning:plan')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Draw (随机抽取) the tasks from the frozen snapshot with the committed seed, and reveal the seed',
    description: 'Once only: a drawn plan is never re-drawn (409).',
  })
  draw(@Param('id', new ZodPipe(planIdParam)) id: string, @Caller() caller: Principal) {
    return this.planning.draw(caller, id);
  }

  @Get('inspection-plans/:id/verify')
  @Allow('planning:read')
  @AuditedRead()
  @ApiOperation({
    summary:
      'Verify the draw (验证): re-run it from the published seed and snapshot and compare with the stored list',
  })
  verify(@Param('id', new ZodPipe(planIdParam)) id: string, @Caller() caller: Principal) {
    return this.planning.verify(caller, id);
  }

  @Get('inspection-plans/:id/snapshot')
  @Allow('planning:read')
  @AuditedRead()
  @ApiOperation({
    summary:
      'The frozen population snapshot, exactly as hashed (名录快照): one `<USCC or id:ID>,<class>` line per entity',
    description:
      'For an auditor to re-run the draw elsewhere (npm run plan:verify -- --plan ID --snapshot FILE). Holds risk classes: an internal document, not for publication.',
  })
  async snapshot(
    @Param('id', new ZodPipe(planIdParam)) id: string,
    @Caller() caller: Principal,
    @Res() res: Response,
  ) {
    const lines = await this.planning.snapshotLines(caller, id);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="plan-${id}-snapshot.txt"`);
    res.send(lines);
  }

  @Post('inspection-plans/:id/staff')
  @Allow('planning:plan')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Staff (随机选派执法检查人员): two inspectors per task, one per department on joint tasks, with avoidance (回避)',
    description:
      'Inspectors with a declared conflict with the entity or its related parties, and those who inspected it within the avoidance window, are never sent; a task that cannot be staffed is flagged unassignable with the reason.',
  })
  staff(@Param('id', new ZodPipe(planIdParam)) id: string, @Caller() caller: Principal) {
    return this.planning.staff(caller, id);
  }

  @Get('inspection-plans/:id/tasks')
  @Allow('planning:read')
  @AuditedRead()
  @ApiOperation({
    summary: "The plan's tasks (检查任务), by task number; mine=true: the tasks on whose team you are",
  })
  tasks(
    @Param('id', new ZodPipe(planIdParam)) id: string,
    @Query(new ZodPipe(listTasksQuery)) q: ListTasksQuery,
    @Caller() caller: Principal,
  ) {
    return this.planning.tasks(caller, id, q);
  }

  @Post('inspection-tasks/:taskId/result')
  @Allow('planning:result')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Record a task's result (录入检查结果): it becomes an inspection record of each department on the task",
    description:
      "Only an inspector on the task's team (403 otherwise); once (409); inspectedOn not before the draw nor after today (400). The result is due for publication within 20 working days.",
  })
  @ApiBody({
    schema: {
      example: {
        result: 'rectified',
        inspectedOn: '2027-01-12',
        findings: ['未按规定公示食品经营许可证'],
        followUp: '责令限期改正',
      },
    },
  })
  result(
    @Param('taskId') taskId: string,
    @Body(new ZodPipe(taskResultBody)) body: TaskResultBody,
    @Caller() caller: Principal,
  ) {
    return this.planning.recordResult(caller, taskId, body);
  }

  @Post('inspection-plans/:id/publications')
  @Allow('planning:publish')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Publish (一公开): the plan announcement, the task list or the new results, in public form',
    description:
      "Not by the plan's author (403). Plan: once frozen; tasks: once drawn (with the revealed seed); results: those recorded and not yet published (409 when none). No personal data.",
  })
  @ApiBody({ schema: { example: { kind: 'plan' } } })
  publish(
    @Param('id', new ZodPipe(planIdParam)) id: string,
    @Body(new ZodPipe(publishBody)) body: PublishBody,
    @Caller() caller: Principal,
  ) {
    return this.planning.publish(caller, id, body.kind);
  }

  @Get('inspection-plans/:id/publications')
  @Allow('planning:read')
  @ApiOperation({
    summary: "The plan's publications, and the results awaiting publication with their deadlines",
  })
  publications(@Param('id', new ZodPipe(planIdParam)) id: string, @Caller() caller: Principal) {
    return this.planning.publications(caller, id);
  }

  @Get('inspection-plans/:id/publications/:publicationId')
  @Allow('planning:read')
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOperation({ summary: 'One publication in its public form, JSON or CSV (公告导出)' })
  async publication(
    @Param('id', new ZodPipe(planIdParam)) id: string,
    @Param('publicationId') publicationId: string,
    @Query(new ZodPipe(publicationQuery)) q: PublicationQuery,
    @Caller() caller: Principal,
    @Res() res: Response,
  ) {
    const row = await this.planning.publication(caller, id, publicationId);
    const name = `plan-${id}-${row.kind}-${row.seq}`;
    if (q.format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      res.send(publicationCsv(row.content as Record<string, unknown>));
      return;
    }
    res.setHeader('content-disposition', `inline; filename="${name}.json"`);
    res.json(row.content);
  }

  @Put('inspection-plans/:id/publications/:publicationId')
  @Allow('planning:publish')
  @ApiOperation({
    summary:
      'Refused (409): a published announcement is never edited; publish a correction instead (更正公告)',
  })
  editPublication(): never {
    throw new ConflictError(
      'a published announcement is never edited: publish a new one that corrects it (已发布的公告不能修改，请发布更正公告)',
    );
  }
}
