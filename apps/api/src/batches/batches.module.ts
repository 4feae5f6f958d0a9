import { Module } from '@nestjs/common';
import { IngestionModule } from '@lianjian/ingestion';
import { BatchesController } from './batches.controller';
import { BatchesService } from './batches.service';

@Module({ imports: [IngestionModule], controllers: [BatchesController], providers: [BatchesService] })
export class BatchesModule {}
