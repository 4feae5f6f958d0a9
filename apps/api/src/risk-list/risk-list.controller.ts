import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ApiZodOk, ApiZodQuery } from '../common/openapi';
import { riskListQuery, riskListQueryDoc, riskListResponse, type RiskListQuery } from './dto/risk-list.dto';
import { RiskListService } from './risk-list.service';

@ApiTags('risk list')
@Controller('api/v1/risk-list')
export class RiskListController {
  constructor(private readonly riskList: RiskListService) {}

  @Get()
  @Allow('risk-list:read')
  @ApiOperation({ summary: 'Risk list (风险名单): entities by score, highest first' })
  @ApiZodQuery(riskListQuery, riskListQueryDoc)
  @ApiZodOk(riskListResponse)
  list(@Query(new ZodPipe(riskListQuery)) query: RiskListQuery, @Caller() caller: Principal) {
    return this.riskList.list(caller, query);
  }
}
