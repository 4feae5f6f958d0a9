import type { INestApplicationContext } from '@nestjs/common';

// Graceful stop on SIGTERM/SIGINT: close the application (workers finish their current jobs, pools
// drain), then exit 0 so supervisors see a clean stop. A second signal, or 30 s, forces the exit.
export function exitOnSignals(app: INestApplicationContext, log: (msg: string) => void = console.log): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => process.exit(1), 30_000).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
