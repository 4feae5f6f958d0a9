import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { actorName, type Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { AuditedRead, auditStreamedRead } from '../common/audit-trail';
import { ZodPipe } from '../common/zod.pipe';
import { ApiZodOk, ApiZodQuery } from '../common/openapi';
import { Expensive } from '../rate-limit/rate-limit';
import {
  riskListExportQuery,
  riskListQuery,
  riskListQueryDoc,
  riskListResponse,
  type RiskListExportQuery,
  type RiskListQuery,
} from './dto/risk-list.dto';
import { writeRiskListWorkbook } from './risk-list-export';
import { RiskListService } from './risk-list.service';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('risk list')
@Controller('api/v1/risk-list')
export class RiskListController {
  private readonly maxRows: number;

  constructor(
    private readonly riskList: RiskListService,
    config: ConfigService,
  ) {
    this.maxRows = config.getOrThrow<number>('RISK_LIST_EXPORT_MAX_ROWS');
  }

  @Get()
  @Allow('risk-list:read')
  @ApiOperation({ summary: 'Risk list (风险名单): entities by score, highest first' })
  @ApiZodQuery(riskListQuery, riskListQueryDoc)
  @ApiZodOk(riskListResponse)
  list(@Query(new ZodPipe(riskListQuery)) query: RiskListQuery, @Caller() caller: Principal) {
    return this.riskList.list(caller, query);
  }

  // Audited (who took which list out of the system, with its filter), counted as expensive.
  @Get('export')
  @Expensive()
  @AuditedRead({ withQuery: true })
  @Allow('risk-list:read')
  @ApiOperation({
    summary: 'The risk list of a filter as an Excel workbook (风险名单导出)',
    description:
      'The filter of GET /risk-list, within the jurisdiction; highest score first, at most RISK_LIST_EXPORT_MAX_ROWS rows (default 50,000; X-Row-Limit). Sheet 2 states the filter, the time, the user and whether the limit cut the list. Streamed as it is read.',
  })
  @ApiZodQuery(riskListExportQuery, riskListQueryDoc)
  @ApiProduces(XLSX_TYPE)
  @ApiResponse({ status: 200, description: 'the workbook (.xlsx), as an attachment' })
  async export(
    @Query(new ZodPipe(riskListExportQuery)) query: RiskListExportQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Caller() caller: Principal,
  ) {
    // The filter is checked against the jurisdiction first (a refusal is audited as one), then the
    // entry is stored, then the workbook streams.
    const { pages, more } = this.riskList.exportPages(caller, query, this.maxRows);
    await auditStreamedRead(req);
    const exportedAt = new Date();
    const day = new Date(exportedAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
    res.setHeader('content-type', XLSX_TYPE);
    res.setHeader(
      'content-disposition',
      `attachment; filename="risk-list-${day}.xlsx"; filename*=UTF-8''${encodeURIComponent(`风险名单-${day}.xlsx`)}`,
    );
    res.setHeader('x-row-limit', String(this.maxRows));
    const { lang, ...filter } = query;
    await writeRiskListWorkbook(
      res,
      lang,
      pages,
      { filter, exportedAt, exportedBy: actorName(caller), rowLimit: this.maxRows },
      more,
    );
  }
}
