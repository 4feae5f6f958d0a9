import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import {
  bulkCloseBody,
  bulkResponse,
  caseDetailResponse,
  caseListResponse,
  bulkDispatchBody,
  closeBody,
  dispatchBody,
  listCasesQuery,
  listCasesQueryDoc,
  mergeBody,
  openCaseBody,
  reopenBody,
  type BulkCloseBody,
  type BulkDispatchBody,
  type CloseBody,
  type DispatchBody,
  type ListCasesQuery,
  type MergeBody,
  type OpenCaseBody,
  type ReopenBody,
} from './dto/case.dto';
import { CasesService } from './cases.service';
import { AuditedRead } from '../common/audit-trail';
import { ApiZodOk, ApiZodQuery } from '../common/openapi';

// 联合执法案件 (线索推送 → 核查处置 → 结果反馈): coordinators open a case from joint alerts about one
// entity, dispatch it to the departments, chase them and close it; every state change is kept with who
// made it. Bulk routes come first so that 'bulk' is never read as a case id.
@ApiTags('cases')
@Controller('api/v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post('bulk/dispatch')
  @HttpCode(200)
  @Allow('cases:manage')
  @ApiOperation({
    summary: 'Dispatch several cases (批量派发); answers per case, so one bad id does not stop the others',
  })
  @ApiBody({ schema: { example: { caseIds: ['12', '13'] } } })
  @ApiZodOk(bulkResponse)
  bulkDispatch(@Caller() caller: Principal, @Body(new ZodPipe(bulkDispatchBody)) body: BulkDispatchBody) {
    return this.cases.bulk(body.caseIds, (id) => this.cases.dispatch(caller, id));
  }

  @Post('bulk/close')
  @HttpCode(200)
  @Allow('cases:manage')
  @ApiOperation({ summary: 'Close several cases with one outcome (批量办结); answers per case' })
  @ApiBody({ schema: { example: { caseIds: ['12', '13'], outcome: '各部门均已反馈，依法处置完毕' } } })
  @ApiZodOk(bulkResponse)
  bulkClose(@Caller() caller: Principal, @Body(new ZodPipe(bulkCloseBody)) body: BulkCloseBody) {
    return this.cases.bulk(body.caseIds, (id) => this.cases.close(caller, id, body.outcome));
  }

  @Get('types')
  @Allow('cases:read')
  @ApiOperation({
    summary: 'Case types with their time limits and which alert severities open a case by themselves',
  })
  types() {
    return this.cases.caseTypes();
  }

  @Get()
  @Allow('cases:read')
  @ApiOperation({
    summary: 'Cases the caller may see, newest first (officers: those with a task of their department)',
  })
  @ApiZodQuery(listCasesQuery, listCasesQueryDoc)
  @ApiZodOk(caseListResponse)
  list(@Caller() caller: Principal, @Query(new ZodPipe(listCasesQuery)) query: ListCasesQuery) {
    return this.cases.list(caller, query);
  }

  @Post()
  @HttpCode(201)
  @Allow('cases:manage')
  @ApiOperation({
    summary: 'Open a case (立案) from alerts about one entity',
    description:
      'The participating departments default to those the alerts were delivered to; the lead department takes part too. The case type defaults from the alerts’ findings (config/cases/case-types.json), which sets the dispatch and feedback time limits.',
  })
  @ApiBody({
    schema: {
      example: {
        alertIds: ['42'],
        caseType: 'joint_penalty',
        leadDepartment: '330106-SAMR',
        title: '吊销许可证联动处置',
      },
    },
  })
  open(@Caller() caller: Principal, @Body(new ZodPipe(openCaseBody)) body: OpenCaseBody) {
    return this.cases.open(caller, body);
  }

  @Get(':id')
  @AuditedRead()
  @Allow('cases:read')
  @ApiOperation({ summary: 'One case with its tasks, alerts and every state change (who, when, why)' })
  @ApiZodOk(caseDetailResponse)
  get(@Caller() caller: Principal, @Param('id') id: string) {
    return this.cases.get(caller, id);
  }

  @Post(':id/dispatch')
  @HttpCode(200)
  @Allow('cases:manage')
  @ApiOperation({
    summary:
      'Dispatch a case (派发): one task per participating department, due after the type’s feedback days',
  })
  @ApiZodOk(caseDetailResponse)
  dispatch(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(dispatchBody)) body: DispatchBody,
  ) {
    return this.cases.dispatch(caller, id, body);
  }

  @Post(':id/alerts')
  @HttpCode(200)
  @Allow('cases:manage')
  @ApiOperation({ summary: 'Merge an alert about the same entity into a case still being worked on (并案)' })
  @ApiBody({ schema: { example: { alertId: '57' } } })
  merge(@Caller() caller: Principal, @Param('id') id: string, @Body(new ZodPipe(mergeBody)) body: MergeBody) {
    return this.cases.merge(caller, id, body.alertId);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Allow('cases:manage')
  @ApiOperation({
    summary:
      'Close a case (办结) with its outcome, once every department reported; its open alerts close with it',
  })
  @ApiBody({ schema: { example: { outcome: '税务、市场监管均已立案查处，吊销决定已送达' } } })
  @ApiZodOk(caseDetailResponse)
  close(@Caller() caller: Principal, @Param('id') id: string, @Body(new ZodPipe(closeBody)) body: CloseBody) {
    return this.cases.close(caller, id, body.outcome);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Allow('cases:manage')
  @ApiOperation({
    summary: 'Reopen a closed case with a reason; dispatching it again starts a new round of tasks',
  })
  @ApiBody({ schema: { example: { reason: '当事人复议，需补充核查' } } })
  @ApiZodOk(caseDetailResponse)
  reopen(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(reopenBody)) body: ReopenBody,
  ) {
    return this.cases.reopen(caller, id, body.reason);
  }
}
