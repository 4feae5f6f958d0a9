export * from './prom-metrics';
export * from './metrics-server';
export * from './http-observability';
export * from './logging';
export * from './observability-env';
export * from './observability.module';
