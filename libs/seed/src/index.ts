export * from './prng';
export * from './departments';
export * from './industries';
export * from './synthetic-generator';
export * from './gbk-feed';
export * from './seed-province';
