import { Module } from '@nestjs/common';
import { CaseOpener } from '@lianjian/cases';
import { IngestionModule } from '@lianjian/ingestion';
import { CaseTasksController } from './case-tasks.controller';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

// 联合执法案件: cases and their departmental tasks.
@Module({
  imports: [IngestionModule],
  controllers: [CasesController, CaseTasksController],
  // CaseOpener: the one way a case is opened, shared with automatic opening in the worker.
  providers: [CasesService, CaseOpener],
})
export class CasesModule {}
