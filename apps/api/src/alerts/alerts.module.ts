import { Module } from '@nestjs/common';
import { DeliveryModule } from '@lianjian/delivery';
import { AlertAccess } from './alert-access';
import { AlertActionsController } from './alert-actions.controller';
import { AlertActionsService } from './alert-actions.service';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

@Module({
  imports: [DeliveryModule],
  controllers: [AlertsController, AlertActionsController],
  providers: [AlertsService, AlertActionsService, AlertAccess],
})
export class AlertsModule {}
