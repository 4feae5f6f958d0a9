import { Module } from '@nestjs/common';
import { IngestionModule } from '@lianjian/ingestion';
import { SourcesController } from './sources.controller';
import { SourcesService } from './sources.service';

@Module({ imports: [IngestionModule], controllers: [SourcesController], providers: [SourcesService] })
export class SourcesModule {}
