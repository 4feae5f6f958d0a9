import { isIP } from 'node:net';
import { z } from 'zod';

// The metrics listener of a process (api and worker alike): its own port, on the loopback interface
// unless told otherwise, so Prometheus (or an operator's tunnel) reaches it and callers of the API
// do not. A token is required as soon as it listens beyond the loopback interface.
export const metricsEnv = {
  // Unset: no listener. 0: any free port (tests).
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z
    .string()
    .trim()
    .default('127.0.0.1')
    .refine((v) => v === 'localhost' || isIP(v) !== 0, 'an IP address to listen on (or localhost)'),
  // Scrapes must send "Authorization: Bearer <METRICS_TOKEN>" when it is set.
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
};

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\./.test(host);

export function requireMetricsToken(
  env: { METRICS_PORT?: number; METRICS_HOST: string; METRICS_TOKEN?: string },
  ctx: z.RefinementCtx,
): void {
  if (env.METRICS_PORT !== undefined && !isLoopback(env.METRICS_HOST) && !env.METRICS_TOKEN)
    ctx.addIssue({
      code: 'custom',
      path: ['METRICS_TOKEN'],
      message: `required when METRICS_HOST (${env.METRICS_HOST}) is not a loopback address`,
    });
}

export type MetricsEnv = { METRICS_PORT?: number; METRICS_HOST: string; METRICS_TOKEN?: string };
