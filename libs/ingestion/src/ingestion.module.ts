import { Module } from '@nestjs/common';
import { IngestionService } from './ingestion.service';
import { IngestApplyService } from './ingest-apply.service';
import { SourceProfiles } from './source-profiles.service';
import { FileIngestionService } from './file-ingestion.service';

const services = [IngestionService, IngestApplyService, SourceProfiles, FileIngestionService];

@Module({ providers: services, exports: services })
export class IngestionModule {}
