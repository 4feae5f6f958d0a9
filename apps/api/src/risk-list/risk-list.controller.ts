import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { riskListQuery, type RiskListQuery } from './dto/risk-list.dto';
import { RiskListService } from './risk-list.service';

@ApiTags('risk list')
@Controller('api/v1/risk-list')
export class RiskListController {
  constructor(private readonly riskList: RiskListService) {}

  @Get()
  @Allow('risk-list:read')
  @ApiOperation({ summary: 'Risk list (风险名单): entities by score, highest first' })
  @ApiQuery({ name: 'region', required: false, description: 'GB/T 2260 code or prefix (jurisdiction)' })
  @ApiQuery({ name: 'industry', required: false, description: 'GB/T 4754 code prefix' })
  @ApiQuery({ name: 'class', required: false, isArray: true, description: 'A, B, C, D (repeatable)' })
  @ApiQuery({ name: 'minScore', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '≤ 500, default 50' })
  @ApiQuery({ name: 'cursor', required: false })
  list(@Query(new ZodPipe(riskListQuery)) query: RiskListQuery, @Caller() caller: Principal) {
    return this.riskList.list(caller, query);
  }
}
