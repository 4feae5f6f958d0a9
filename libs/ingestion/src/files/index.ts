// Reading departments' files (CSV, NDJSON, XLSX) and mapping their rows to canonical records, as
// described by source profiles (config/sources/README.md). Pure: no NestJS, no database.
export * from './source-profile.schema';
export * from './file-errors';
export * from './file-limits';
export * from './read-model';
export * from './row-reader';
export * from './row-mapping';
export { looksLikeFormula } from './value-conversion';
