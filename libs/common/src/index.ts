export * from './config/env';
export * from './errors/domain-error';
export * from './dates';
export * from './shutdown';
export * from './processes';
export * from './log-levels';
export * from './with-timeout';
export * from './copy-text';
