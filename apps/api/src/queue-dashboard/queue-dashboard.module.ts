import { Module } from '@nestjs/common';
import { QueueDashboardController } from './queue-dashboard.controller';
import { QueueDashboard } from './queue-dashboard.service';

@Module({ controllers: [QueueDashboardController], providers: [QueueDashboard] })
export class QueueDashboardModule {}
