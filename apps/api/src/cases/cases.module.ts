import { Module } from '@nestjs/common';
import { IngestionModule } from '@lianjian/ingestion';
import { CaseTasksController } from './case-tasks.controller';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

// 联合执法案件: cases and their departmental tasks.
@Module({
  imports: [IngestionModule],
  controllers: [CasesController, CaseTasksController],
  providers: [CasesService],
})
export class CasesModule {}
