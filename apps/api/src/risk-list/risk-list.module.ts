import { Module } from '@nestjs/common';
import { ScoringModelsModule } from '../scoring-models/scoring-models.module';
import { RiskListController } from './risk-list.controller';
import { RiskListService } from './risk-list.service';

@Module({ imports: [ScoringModelsModule], controllers: [RiskListController], providers: [RiskListService] })
export class RiskListModule {}
