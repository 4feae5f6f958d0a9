import { Module } from '@nestjs/common';
import { IngestionService } from './ingestion.service';
import { IngestApplyService } from './ingest-apply.service';
import { SourceProfiles } from './source-profiles.service';
import { FileIngestionService } from './file-ingestion.service';
import { SourceBindings } from './source-bindings.service';

const services = [IngestionService, IngestApplyService, SourceProfiles, SourceBindings, FileIngestionService];

@Module({ providers: services, exports: services })
export class IngestionModule {}
