import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { reportBody, taskAnswerResponse, type ReportBody } from './dto/case.dto';
import { ApiZodOk } from '../common/openapi';
import { CasesService } from './cases.service';

// A department's task in a case (核查处置 → 结果反馈): its officers accept it and report the result.
// Only the department's own officers act on it.
@ApiTags('cases')
@Controller('api/v1/cases/:id/tasks/:department')
export class CaseTasksController {
  constructor(private readonly cases: CasesService) {}

  @Post('accept')
  @HttpCode(200)
  @Allow('cases:task')
  @ApiOperation({
    summary: 'The department accepts its task (签收); the first acceptance puts the case in progress',
  })
  @ApiZodOk(taskAnswerResponse)
  accept(@Caller() caller: Principal, @Param('id') id: string, @Param('department') department: string) {
    return this.cases.accept(caller, id, department);
  }

  @Post('report')
  @HttpCode(200)
  @Allow('cases:task')
  @ApiOperation({
    summary: 'The department reports its result (结果反馈)',
    description:
      'verified (线索是否属实) and actionTaken are required. A penalty or an inspection becomes a canonical record of the department (source case-feedback, sourceRecordId CASE-<caseId>-<department>), stored and scored like any other. When every department has reported, the case awaits the coordinator’s closing.',
  })
  @ApiBody({
    schema: {
      example: {
        verified: true,
        actionTaken: '立案查处，责令补缴税款',
        penalty: { decisionNo: '杭西税罚〔2025〕8号', penaltyTypes: ['fine'], fineAmount: 30000 },
      },
    },
  })
  @ApiZodOk(taskAnswerResponse)
  report(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Param('department') department: string,
    @Body(new ZodPipe(reportBody)) body: ReportBody,
  ) {
    return this.cases.report(caller, id, department, body);
  }
}
