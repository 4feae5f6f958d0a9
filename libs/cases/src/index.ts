export * from './case-state';
export * from './case-types';
export * from './case-feedback';
export * from './case-opener';
