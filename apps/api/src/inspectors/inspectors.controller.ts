import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk, ApiZodQuery, jsonSchemaOf } from '../common/openapi';
import { ZodPipe } from '../common/zod.pipe';
import { AuditedRead } from '../common/audit-trail';
import { Expensive } from '../rate-limit/rate-limit';
import { uploadStream } from '../sources/upload-stream';
import {
  conflictListResponse,
  conflictResponse,
  inspectorImportResponse,
  inspectorListResponse,
  inspectorResponse,
} from './dto/inspector-responses';
import {
  createInspectorBody,
  declareConflictBody,
  listInspectorsQuery,
  updateInspectorBody,
  type CreateInspectorBody,
  type DeclareConflictBody,
  type ListInspectorsQuery,
  type UpdateInspectorBody,
} from './dto/inspector.dto';
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS } from './inspector-csv';
import { InspectorsService } from './inspectors.service';

// 执法检查人员名录库 (双随机、一公开): the inspectors of each department — 执法证号, domains, region,
// whether active — and the conflicts of interest they declared (利害关系: entities they must not
// inspect, nor those entities' related parties). A department's officers maintain its inspectors,
// through these routes or a CSV import; staff read the directory within their jurisdiction (officers:
// their own department's), phones masked without personal-data:read.
@ApiTags('inspectors')
@Controller('api/v1/inspectors')
export class InspectorsController {
  constructor(private readonly inspectors: InspectorsService) {}

  @Get()
  @AuditedRead()
  @Allow('planning:read')
  @ApiOperation({
    summary: 'The inspector directory (执法检查人员名录), newest first',
    description:
      "Officers see their own department's inspectors; everyone else the inspectors whose region is within their jurisdiction. Phones masked without personal-data:read.",
  })
  @ApiZodQuery(listInspectorsQuery)
  @ApiZodOk(inspectorListResponse)
  list(@Query(new ZodPipe(listInspectorsQuery)) query: ListInspectorsQuery, @Caller() caller: Principal) {
    return this.inspectors.list(caller, query);
  }

  @Post()
  @Allow('inspectors:manage')
  @HttpCode(201)
  @ApiOperation({
    summary: "Add an inspector to your department's directory (登记执法检查人员)",
    description:
      "Domains among the department's own, the region a GB/T 2260 code within the department's region (400 with the reasons otherwise); 409 for a certificate number in the directory already; 403 for another department.",
  })
  @ApiBody({
    schema: {
      example: {
        name: '王建国',
        certificateNo: '33010620190012',
        domains: ['food_safety', 'market_regulation'],
        regionCode: '330106',
        phone: '13800001234',
      },
    },
  })
  @ApiResponse({ status: 201, description: 'Added', schema: jsonSchemaOf(inspectorResponse) })
  create(@Body(new ZodPipe(createInspectorBody)) body: CreateInspectorBody, @Caller() caller: Principal) {
    return this.inspectors.create(caller, body);
  }

  @Post('import')
  @Expensive()
  @Allow('inspectors:manage')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiOperation({
    summary: "Import your department's inspectors from a CSV file (执法检查人员名录导入)",
    description: `multipart/form-data with the file in the field \`file\`, or the CSV as the raw body; UTF-8 or GBK. Columns: ${IMPORT_COLUMNS.join(', ')} (active and phone optional; domains separated by ; or 、). At most ${MAX_IMPORT_ROWS} rows. A row whose certificate number is in the directory updates that inspector. All or nothing: any problem refuses the whole file (400) with every problem listed as { row, column, reason: { zh, en } } (the header is row 1), and nothing is stored.`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary', description: 'the CSV file' } },
      required: ['file'],
    },
  })
  @ApiZodOk(inspectorImportResponse)
  async import(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Caller() caller: Principal) {
    try {
      return await this.inspectors.import(caller, () => uploadStream(req));
    } catch (e) {
      // Refused before the body was read to its end: the connection closes rather than being reused.
      if (!req.complete) res.setHeader('connection', 'close');
      throw e;
    }
  }

  @Get(':id')
  @AuditedRead()
  @Allow('planning:read')
  @ApiOperation({ summary: 'One inspector of the directory' })
  @ApiZodOk(inspectorResponse)
  get(@Param('id') id: string, @Caller() caller: Principal) {
    return this.inspectors.get(caller, id);
  }

  @Patch(':id')
  @Allow('inspectors:manage')
  @ApiOperation({
    summary: 'Change an inspector: name, domains, region, active, phone, userId (修改执法检查人员信息)',
    description:
      'Only what the body names changes; the department and the certificate number do not. phone or userId null clears it.',
  })
  @ApiBody({ schema: { example: { active: false } } })
  @ApiZodOk(inspectorResponse)
  update(
    @Param('id') id: string,
    @Body(new ZodPipe(updateInspectorBody)) body: UpdateInspectorBody,
    @Caller() caller: Principal,
  ) {
    return this.inspectors.update(caller, id, body);
  }

  @Get(':id/conflicts')
  @AuditedRead()
  @Allow('planning:read')
  @ApiOperation({ summary: "An inspector's declared conflicts of interest (利害关系申报)" })
  @ApiZodOk(conflictListResponse)
  conflicts(@Param('id') id: string, @Caller() caller: Principal) {
    return this.inspectors.conflicts(caller, id);
  }

  @Post(':id/conflicts')
  @Allow('inspectors:manage')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Declare a conflict of interest: an entity the inspector must not inspect (申报利害关系)',
    description:
      "The entity by entity (USCC or scheme:id) or entityId. The draw's staffing never assigns the inspector to it nor to its related parties (same legal representative or registered address). 409 when declared already.",
  })
  @ApiBody({ schema: { example: { entity: '91330106MA2CXB7K1X', reason: '配偶任该公司股东' } } })
  @ApiResponse({ status: 201, description: 'Declared', schema: jsonSchemaOf(conflictResponse) })
  declare(
    @Param('id') id: string,
    @Body(new ZodPipe(declareConflictBody)) body: DeclareConflictBody,
    @Caller() caller: Principal,
  ) {
    return this.inspectors.declareConflict(caller, id, body);
  }

  @Delete(':id/conflicts/:conflictId')
  @Allow('inspectors:manage')
  @ApiOperation({
    summary: 'Withdraw a declared conflict (撤回利害关系申报); the audit log keeps what it was',
  })
  @ApiZodOk(conflictResponse)
  withdraw(@Param('id') id: string, @Param('conflictId') conflictId: string, @Caller() caller: Principal) {
    return this.inspectors.withdrawConflict(caller, id, conflictId);
  }
}
