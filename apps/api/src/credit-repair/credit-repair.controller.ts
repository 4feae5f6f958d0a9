import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk, ApiZodQuery, jsonSchemaOf } from '../common/openapi';
import { ZodPipe } from '../common/zod.pipe';
import { repairListResponse, repairResponse } from './dto/credit-repair-responses';
import { CreditRepairService } from './credit-repair.service';
import {
  approveRepairBody,
  fileRepairBody,
  listRepairsQuery,
  rejectRepairBody,
  withdrawRepairBody,
  type ApproveRepairBody,
  type FileRepairBody,
  type ListRepairsQuery,
  type RejectRepairBody,
  type WithdrawRepairBody,
} from './dto/credit-repair.dto';
import { AuditedRead } from '../common/audit-trail';

// 信用修复与异议: staff file, for an entity, a request that one of its records stop counting — an
// objection (异议: the record is wrong) or a repair (信用修复: it has rectified). An officer of the
// record's department other than the filer approves or rejects it (四眼原则); the filer may withdraw
// it while pending. Approved: the record stops counting from the effective date (history and past
// scores as of earlier dates keep it) and the entity is re-scored.
@ApiTags('credit-repair')
@Controller('api/v1/credit-repairs')
export class CreditRepairController {
  constructor(private readonly repairs: CreditRepairService) {}

  @Post()
  @Allow('repair:file')
  @HttpCode(201)
  @ApiResponse({ status: 201, description: 'Filed', schema: jsonSchemaOf(repairResponse) })
  @ApiOperation({
    summary: 'File an objection or a credit repair request about a record (提交异议或信用修复申请)',
    description:
      '404 for an unknown record; 400 for a registration record (master data is corrected by a new registration record); 409 when a request about the record is pending or it is repaired already; 403 outside your jurisdiction.',
  })
  @ApiBody({
    schema: {
      example: {
        recordId: '1234',
        type: 'repair',
        reason: '已完成整改并履行行政处罚决定',
        evidence: '整改报告（杭西市监〔2026〕12号），罚款缴纳凭证',
      },
    },
  })
  file(@Body(new ZodPipe(fileRepairBody)) body: FileRepairBody, @Caller() caller: Principal) {
    return this.repairs.file(caller, body);
  }

  @Get()
  @AuditedRead()
  @Allow('entities:read')
  @ApiOperation({ summary: 'Credit repair requests in your jurisdiction, newest first' })
  @ApiZodQuery(listRepairsQuery)
  @ApiZodOk(repairListResponse)
  list(@Query(new ZodPipe(listRepairsQuery)) query: ListRepairsQuery, @Caller() caller: Principal) {
    return this.repairs.list(caller, query);
  }

  @Get(':id')
  @AuditedRead()
  @Allow('entities:read')
  @ApiOperation({ summary: 'One credit repair request, with its record and decision' })
  @ApiZodOk(repairResponse)
  get(@Param('id') id: string, @Caller() caller: Principal) {
    return this.repairs.get(caller, id);
  }

  @Post(':id/approve')
  @Allow('repair:decide')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve: the record stops counting from effectiveFrom (default today), the entity is re-scored',
    description:
      "Only an officer of the record's department who did not file the request (四眼原则). effectiveFrom is not before the record's date nor after today.",
  })
  @ApiBody({ schema: { example: { reason: '整改到位，符合信用修复条件', effectiveFrom: '2026-11-20' } } })
  @ApiZodOk(repairResponse)
  approve(
    @Param('id') id: string,
    @Body(new ZodPipe(approveRepairBody)) body: ApproveRepairBody,
    @Caller() caller: Principal,
  ) {
    return this.repairs.approve(caller, id, body);
  }

  @Post(':id/reject')
  @Allow('repair:decide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject: the record keeps counting; a new request may be filed later' })
  @ApiBody({ schema: { example: { reason: '整改材料不完整' } } })
  @ApiZodOk(repairResponse)
  reject(
    @Param('id') id: string,
    @Body(new ZodPipe(rejectRepairBody)) body: RejectRepairBody,
    @Caller() caller: Principal,
  ) {
    return this.repairs.reject(caller, id, body);
  }

  @Post(':id/withdraw')
  @Allow('repair:file')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a pending request (its filer only)' })
  @ApiZodOk(repairResponse)
  withdraw(
    @Param('id') id: string,
    @Body(new ZodPipe(withdrawRepairBody)) body: WithdrawRepairBody,
    @Caller() caller: Principal,
  ) {
    return this.repairs.withdraw(caller, id, body);
  }
}
