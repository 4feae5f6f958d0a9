export * from './access';
export * from './processes';
export * from './scratch';
