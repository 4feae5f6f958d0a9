import { Module } from '@nestjs/common';
import { RuleBacktestService } from '@lianjian/rules';
import { ScoringModelsModule } from '../scoring-models/scoring-models.module';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

@Module({
  imports: [ScoringModelsModule],
  controllers: [RulesController],
  providers: [RulesService, RuleBacktestService],
})
export class RulesModule {}
