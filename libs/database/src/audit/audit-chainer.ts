import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuditRepository } from './audit.repository';

const EVERY_MS = 1000;

// Runs in every process that holds the database module (api and worker): about once a second it
// moves committed pending audit entries into the hash chain (one process at a time: the chain's
// advisory lock). Entries written in a caller's own transaction (the worker's jobs) are chained here;
// API requests and readers of the log chain on demand as well.
@Injectable()
export class AuditChainer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly audit: AuditRepository) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.audit.chainSoon().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, EVERY_MS).unref();
      });
    };
    this.timer = setTimeout(tick, EVERY_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // What is pending when the process stops is chained by the next pass of any process.
    await this.audit.chainSoon();
  }
}
