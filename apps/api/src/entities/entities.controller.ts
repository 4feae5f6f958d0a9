import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import {
  compareQuery,
  compareResponse,
  entityDetailResponse,
  historyQuery,
  relatedPartiesResponse,
  scoreHistoryResponse,
  type CompareQuery,
  type HistoryQuery,
} from './dto/entity.dto';
import { ApiZodOk, ApiZodQuery } from '../common/openapi';
import { EntitiesService } from './entities.service';
import { AuditedRead } from '../common/audit-trail';

@ApiTags('entities')
@Controller('api/v1/entities')
export class EntitiesController {
  constructor(private readonly entities: EntitiesService) {}

  @Get(':key')
  @AuditedRead()
  @Allow('entities:read')
  @ApiOperation({
    summary: 'Entity with its credit profile (信用画像), latest score and factors, and records',
  })
  @ApiParam({ name: 'key', description: 'USCC or scheme:id' })
  @ApiZodOk(entityDetailResponse)
  detail(@Param('key') key: string, @Caller() caller: Principal) {
    return this.entities.detail(key, caller);
  }

  @Get(':key/related')
  @AuditedRead()
  @Allow('entities:read')
  @ApiOperation({
    summary: 'Related parties (关联主体): entities sharing the legal representative or the address',
    description:
      'By the legal representative’s ID number (never shown) or the registered address, as the related-party factors count them. Only entities within the caller’s jurisdiction are named (at most 50, flagged first, then riskiest); the others are counted in `outside`.',
  })
  @ApiParam({ name: 'key', description: 'USCC or scheme:id' })
  @ApiZodOk(relatedPartiesResponse)
  related(@Param('key') key: string, @Caller() caller: Principal) {
    return this.entities.related(key, caller);
  }

  @Get(':key/scores')
  @AuditedRead()
  @Allow('entities:read')
  @ApiOperation({ summary: 'Score history, newest first' })
  @ApiParam({ name: 'key', description: 'USCC or scheme:id' })
  @ApiZodQuery(historyQuery)
  @ApiZodOk(scoreHistoryResponse)
  scores(
    @Param('key') key: string,
    @Query(new ZodPipe(historyQuery)) query: HistoryQuery,
    @Caller() caller: Principal,
  ) {
    return this.entities.scoreHistory(key, query.limit, caller);
  }

  @Get(':key/scores/compare')
  @AuditedRead()
  @Allow('entities:read')
  @ApiOperation({
    summary: 'Why did the score move? (评分变动原因) Two scores of the entity compared factor by factor',
    description:
      'Defaults: `to` the latest score, `from` the one before it. Factors whose points changed, largest first; floors added or removed; whether the model changed.',
  })
  @ApiParam({ name: 'key', description: 'USCC or scheme:id' })
  @ApiZodQuery(compareQuery)
  @ApiZodOk(compareResponse)
  compare(
    @Param('key') key: string,
    @Query(new ZodPipe(compareQuery)) query: CompareQuery,
    @Caller() caller: Principal,
  ) {
    return this.entities.compareScores(key, query.from, query.to, caller);
  }
}
