import type { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

// LOG_LEVEL names the most detailed level to print; everything more severe prints too.
export function logLevels(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose'): LogLevel[] {
  return ORDER.slice(0, ORDER.indexOf(level) + 1);
}
