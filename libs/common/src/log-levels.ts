import type { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export type LogLevelName = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

// LOG_LEVEL names the most detailed level to print; everything more severe prints too.
export function logLevels(level: LogLevelName): LogLevel[] {
  return ORDER.slice(0, ORDER.indexOf(level) + 1);
}

// LOG_LEVEL when set; unset: `log`, but `warn` under NODE_ENV=test (quiet test output).
export function effectiveLogLevel(env: { LOG_LEVEL?: LogLevelName; NODE_ENV?: string }): LogLevelName {
  return env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'log');
}
