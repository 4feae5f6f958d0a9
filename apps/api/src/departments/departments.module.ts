import { Module } from '@nestjs/common';
import { DeliveryModule } from '@lianjian/delivery';
import { DepartmentWebhooksController } from './department-webhooks.controller';
import { DepartmentWebhooksService } from './department-webhooks.service';
import { DepartmentsController } from './departments.controller';
import { DepartmentsService } from './departments.service';

@Module({
  imports: [DeliveryModule],
  controllers: [DepartmentsController, DepartmentWebhooksController],
  providers: [DepartmentsService, DepartmentWebhooksService],
})
export class DepartmentsModule {}
