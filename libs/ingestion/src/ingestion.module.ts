import { Module } from '@nestjs/common';
import { IngestionService } from './ingestion.service';
import { IngestApplyService } from './ingest-apply.service';

@Module({ providers: [IngestionService, IngestApplyService], exports: [IngestionService, IngestApplyService] })
export class IngestionModule {}
