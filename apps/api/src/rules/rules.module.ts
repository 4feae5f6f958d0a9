import { Module } from '@nestjs/common';
import { ScoringModelsModule } from '../scoring-models/scoring-models.module';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

@Module({
  imports: [ScoringModelsModule],
  controllers: [RulesController],
  providers: [RulesService],
})
export class RulesModule {}
