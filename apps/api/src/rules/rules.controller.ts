import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk, jsonSchemaOf } from '../common/openapi';
import { ZodPipe } from '../common/zod.pipe';
import { Expensive } from '../rate-limit/rate-limit';
import {
  backtestBody,
  draftBody,
  publishBody,
  retireBody,
  type BacktestBody,
  type DraftBody,
  type RetireBody,
} from './dto/rule.dto';
import {
  backtestResponse,
  backtestStartedResponse,
  ruleFieldsResponse,
  ruleListResponse,
  ruleResponse,
  ruleVersionResponse,
} from './dto/rule-responses';
import { RulesService } from './rules.service';

const ApiCreated = () =>
  ApiResponse({ status: 201, description: 'Created', schema: jsonSchemaOf(ruleVersionResponse) });

// 规则管理: versioned rules, drafted, reviewed and published by two users (四眼原则); see RulesService.
@ApiTags('rules')
@Controller('api/v1/rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  @Allow('rules:read')
  @ApiOperation({ summary: 'Every rule: its latest version, and which version is published or in draft' })
  @ApiZodOk(ruleListResponse)
  list() {
    return this.rules.list();
  }

  @Get('fields')
  @Allow('rules:read')
  @ApiOperation({ summary: 'The fields a rule condition may name, with their types, scopes and labels' })
  @ApiZodOk(ruleFieldsResponse)
  fields() {
    return this.rules.fields();
  }

  @Get(':id')
  @Allow('rules:read')
  @ApiOperation({ summary: 'One rule with all its versions, newest first' })
  @ApiZodOk(ruleResponse)
  get(@Param('id') id: string) {
    return this.rules.get(id);
  }

  @Get(':id/versions/:version')
  @Allow('rules:read')
  @ApiOperation({ summary: 'One version of a rule, with its definition and lifecycle stamps' })
  @ApiZodOk(ruleVersionResponse)
  version(@Param('id') id: string, @Param('version') v: string) {
    return this.rules.version(id, v);
  }

  @Post()
  @Allow('rules:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Propose a new rule (version 1, draft); refused with the reasons if it does not validate',
  })
  @ApiCreated()
  @ApiBody({
    schema: {
      ...jsonSchemaOf(draftBody, 'input'),
      example: {
        definition: {
          id: 'fines-from-two-departments',
          name: { zh: '两部门罚款', en: 'Fines from two departments' },
          trigger: { type: 'record', kinds: ['penalty'] },
          condition: { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
          severity: 'high',
          finding: {
            type: 'repeat_penalties',
            label: { zh: '多部门重复处罚', en: 'Penalties from several departments' },
          },
          legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
        },
      },
    },
  })
  create(@Body(new ZodPipe(draftBody)) body: DraftBody, @Caller() caller: Principal) {
    return this.rules.create(caller, body);
  }

  @Post(':id/versions')
  @Allow('rules:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Propose a change to a rule: its next version, as a draft' })
  @ApiCreated()
  @ApiBody({ schema: jsonSchemaOf(draftBody, 'input') })
  propose(
    @Param('id') id: string,
    @Body(new ZodPipe(draftBody)) body: DraftBody,
    @Caller() caller: Principal,
  ) {
    return this.rules.propose(caller, id, body);
  }

  @Put(':id/versions/:version')
  @Allow('rules:write')
  @ApiOperation({ summary: 'Edit a draft (its author only); published versions never change' })
  @ApiZodOk(ruleVersionResponse)
  @ApiBody({ schema: jsonSchemaOf(draftBody, 'input') })
  edit(
    @Param('id') id: string,
    @Param('version') v: string,
    @Body(new ZodPipe(draftBody)) body: DraftBody,
    @Caller() caller: Principal,
  ) {
    return this.rules.edit(caller, id, v, body);
  }

  @Delete(':id/versions/:version')
  @Allow('rules:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Discard a draft (its author only)' })
  discard(@Param('id') id: string, @Param('version') v: string, @Caller() caller: Principal): Promise<void> {
    return this.rules.discard(caller, id, v);
  }

  @Post(':id/versions/:version/publish')
  @Allow('rules:write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Publish a draft (by another user than its author): it raises alerts from now on, and the version before it is retired',
    description: 'Workers pick up published rules within RULES_REFRESH_MS (default 30 s).',
  })
  @ApiZodOk(ruleVersionResponse)
  @ApiBody({ required: false, schema: jsonSchemaOf(publishBody, 'input') })
  publish(
    @Param('id') id: string,
    @Param('version') v: string,
    @Body(new ZodPipe(publishBody)) _body: unknown,
    @Caller() caller: Principal,
  ) {
    return this.rules.publish(caller, id, v);
  }

  @Post(':id/retire')
  @Allow('rules:write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Ask to stop a rule (with the reason): its published version keeps raising alerts until another user confirms (四眼原则)',
  })
  @ApiZodOk(ruleVersionResponse)
  @ApiBody({ schema: jsonSchemaOf(retireBody, 'input') })
  retire(
    @Param('id') id: string,
    @Body(new ZodPipe(retireBody)) body: RetireBody,
    @Caller() caller: Principal,
  ) {
    return this.rules.retire(caller, id, body);
  }

  @Post(':id/retire/confirm')
  @Allow('rules:write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Confirm a retirement asked for by another user: the published version is retired and raises nothing more',
  })
  @ApiZodOk(ruleVersionResponse)
  @ApiBody({ required: false, schema: jsonSchemaOf(publishBody, 'input') })
  confirmRetirement(
    @Param('id') id: string,
    @Body(new ZodPipe(publishBody)) _body: unknown,
    @Caller() caller: Principal,
  ) {
    return this.rules.confirmRetirement(caller, id);
  }

  @Delete(':id/retire')
  @Allow('rules:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw (or decline) a pending retirement: the published version keeps raising alerts',
  })
  @ApiZodOk(ruleVersionResponse)
  withdrawRetirement(@Param('id') id: string) {
    return this.rules.withdrawRetirement(id);
  }

  @Post(':id/versions/:version/backtest')
  @Expensive()
  @Allow('rules:write')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Backtest a version over a past period, on a worker: the alerts it would have raised in your jurisdiction, per department and per ISO week; nothing is stored or sent',
    description:
      'Answers 202 { backtestId, state, location }; GET the location for the state and, once done, the result (kept BACKTEST_RESULT_TTL_SECONDS).',
  })
  @ApiBody({
    schema: { ...jsonSchemaOf(backtestBody, 'input'), example: { from: '2025-01-01', to: '2025-06-30' } },
  })
  @ApiResponse({ status: 202, description: 'Queued', schema: jsonSchemaOf(backtestStartedResponse) })
  backtest(
    @Param('id') id: string,
    @Param('version') v: string,
    @Body(new ZodPipe(backtestBody)) body: BacktestBody,
    @Caller() caller: Principal,
  ) {
    return this.rules.backtest(caller, id, v, body);
  }

  @Get(':id/versions/:version/backtests/:backtestId')
  @Allow('rules:write')
  @ApiOperation({
    summary: 'A backtest you asked for: its state (queued, running, done, failed) and, once done, its result',
  })
  @ApiZodOk(backtestResponse)
  backtestResult(
    @Param('id') id: string,
    @Param('version') v: string,
    @Param('backtestId') backtestId: string,
    @Caller() caller: Principal,
  ) {
    return this.rules.backtestResult(caller, id, v, backtestId);
  }
}
