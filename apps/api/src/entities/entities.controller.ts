import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { EntitiesService } from './entities.service';
import { parseParams } from '../common/query';

const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

@ApiTags('entities')
@Controller('api/v1/entities')
export class EntitiesController {
  constructor(private readonly entities: EntitiesService) {}

  @Get(':key')
  @ApiOperation({
    summary: 'Entity with its credit profile (信用画像), latest score and factors, and records',
  })
  @ApiParam({ name: 'key', description: 'USCC or scheme:id' })
  detail(@Param('key') key: string) {
    return this.entities.detail(key);
  }

  @Get(':key/scores')
  @ApiOperation({ summary: 'Score history, newest first' })
  scores(@Param('key') key: string, @Query() query: unknown) {
    return this.entities.scoreHistory(key, parseParams(historyQuery, query).limit);
  }
}
