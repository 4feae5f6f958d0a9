import { Module } from '@nestjs/common';
import { DeliveryRepository, WebhookSecretRepository } from '@lianjian/database';
import { DepartmentWebhooks } from './department-webhooks.service';
import { DeliveryService } from './delivery.service';

const providers = [DeliveryRepository, WebhookSecretRepository, DepartmentWebhooks, DeliveryService];

// Shared by the api (webhook settings, secrets, redelivery) and the worker, which adds the sending
// side (WebhookDeliverer, OutboxRelay) for the delivery queue.
@Module({ providers, exports: providers })
export class DeliveryModule {}
