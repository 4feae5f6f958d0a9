import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { RedisPing } from './redis-ping';

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [RedisPing] })
export class HealthModule {}
