import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { RedisPing } from './redis-ping';
import { Public } from '../auth/access.decorator';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisPing,
  ) {}

  // 200 when PostgreSQL and Redis answer, 503 when either does not.
  @Get()
  @Public()
  @HealthCheck()
  async check(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.probe();
    } catch (e) {
      // The 503 body keeps the state of each dependency (not the generic error shape).
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503);
      return e.getResponse();
    }
  }

  private probe() {
    return this.health.check([
      () => this.db.pingCheck('postgresql').withTimeout(1500),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await this.redis.ping();
            return {};
          })
          .withTimeout(1500),
    ]);
  }
}
