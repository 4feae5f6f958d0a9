import { Module } from '@nestjs/common';
import { IngestionModule } from '@lianjian/ingestion';
import { RecordsController } from './records.controller';
import { RecordsService } from './records.service';

@Module({ imports: [IngestionModule], controllers: [RecordsController], providers: [RecordsService] })
export class RecordsModule {}
