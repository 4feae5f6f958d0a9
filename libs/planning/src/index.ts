export * from './strata';
export * from './policy';
export * from './allocation';
export * from './draw';
export * from './calendar';
export * from './items';
export * from './staffing';
export * from './evaluation';
