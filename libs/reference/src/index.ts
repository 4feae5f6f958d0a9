export * from './industry-code';
export * from './localized-text';
export * from './region-code';
export * from './resident-id';
export * from './uscc';
