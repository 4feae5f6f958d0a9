export * from './localized-text';
export * from './uscc';
