export * from './test-database';
export * from './fixtures';
export * from './records';
export * from './auth';
export * from './stack';
