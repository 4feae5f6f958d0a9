import { Module } from '@nestjs/common';
import { ScoringModelsModule } from '../scoring-models/scoring-models.module';
import { EntitiesController } from './entities.controller';
import { EntitiesService } from './entities.service';

@Module({ imports: [ScoringModelsModule], controllers: [EntitiesController], providers: [EntitiesService] })
export class EntitiesModule {}
