import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisPing } from './redis-ping';

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
  @HealthCheck()
  check() {
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
