export * from './ingest-batch';
export * from './ingestion.service';
export * from './ingest-apply.service';
export * from './ingestion.module';
