export * from './record/vocabulary';
export * from './record/record-kinds';
export * from './record/canonical-record';
export * from './record/record-validation';
export * from './record/content-hash';
export * from './record/counts-as-of';
