import { Module } from '@nestjs/common';
import { IngestionModule } from '@lianjian/ingestion';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

@Module({ imports: [IngestionModule], controllers: [DashboardController], providers: [DashboardService] })
export class DashboardModule {}
