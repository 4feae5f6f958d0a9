import { Module } from '@nestjs/common';
import { IngestionModule } from '@lianjian/ingestion';
import { PlansController } from './plans.controller';
import { PlanningService } from './planning.service';

@Module({
  imports: [IngestionModule],
  controllers: [PlansController],
  providers: [PlanningService],
  exports: [PlanningService],
})
export class PlanningModule {}
