import { Module } from '@nestjs/common';
import { CreditRepairController } from './credit-repair.controller';
import { CreditRepairService } from './credit-repair.service';

@Module({ controllers: [CreditRepairController], providers: [CreditRepairService] })
export class CreditRepairModule {}
