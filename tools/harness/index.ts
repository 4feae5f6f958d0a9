export * from './access';
export * from './processes';
export * from './scratch';
export * from './scoring';
