import { Module } from '@nestjs/common';
import { ScoringModels } from '@lianjian/scoring';
import { ScoringModelsController } from './scoring-models.controller';
import { ScoringModelsService } from './scoring-models.service';

// ScoringModels registers config/scoring on start, so the models are listed before any worker ran.
// One instance for the app: the risk list, entity profiles and rule backtests import this module.
@Module({
  controllers: [ScoringModelsController],
  providers: [ScoringModelsService, ScoringModels],
  exports: [ScoringModels],
})
export class ScoringModelsModule {}
