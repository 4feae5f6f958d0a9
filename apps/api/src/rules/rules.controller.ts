import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '../common/query';
import { ConflictError, InvalidInputError, NotFoundError } from '@lianjian/common';
import { RuleRepository, type RuleVersionRow } from '@lianjian/database';
import {
  RULE_FIELDS,
  RULE_ID_PATTERN,
  RuleBacktestService,
  validateRule,
  type RuleDefinition,
} from '@lianjian/rules';
import { FEATURE_NAMES } from '@lianjian/scoring';
import { actorName, type Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';

// Who acts is the signed-in caller (四眼原则 compares users). An `author`/`by` in the body is
// accepted from older clients and ignored.
const userName = () => z.string().trim().max(100).optional();

const draftBody = z.strictObject({
  author: userName(),
  definition: z.record(z.string(), z.unknown(), { error: 'definition must be a rule object' }),
});
const publishBody = z.strictObject({ by: userName() });
const retireBody = z.strictObject({
  by: userName(),
  reason: z.string().trim().min(1, 'say why the rule stops').max(2000),
});
const backtestBody = z.strictObject({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'from must be YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'to must be YYYY-MM-DD'),
});

function versionParam(v: string): number {
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1) throw new NotFoundError(`no rule version ${v}`);
  return Number(v);
}

// 规则管理: rules are versioned data. A change is a draft (a new version); another user reviews and
// publishes it (四眼原则), which retires the version before it. Published versions never change, and
// every alert names the version that raised it. A draft can be backtested over a past period first.
@ApiTags('rules')
@Controller('api/v1/rules')
export class RulesController {
  constructor(
    private readonly rules: RuleRepository,
    private readonly backtests: RuleBacktestService,
  ) {}

  @Get()
  @Allow('rules:read')
  @ApiOperation({ summary: 'Every rule: its latest version, and which version is published or in draft' })
  async list() {
    const rows = await this.rules.list();
    return {
      items: rows.map((r) => ({
        ...versionView(r),
        publishedVersion: r.publishedVersion,
        draftVersion: r.draftVersion,
      })),
      nextCursor: null,
    };
  }

  @Get('fields')
  @Allow('rules:read')
  @ApiOperation({ summary: 'The fields a rule condition may name, with their types, scopes and labels' })
  fields() {
    return {
      items: [
        ...RULE_FIELDS.map((f) => ({
          name: f.name,
          type: f.type,
          scope: f.scope,
          label: f.label,
          kind: f.kind ?? null,
          values: f.vocabulary ?? null,
        })),
        ...FEATURE_NAMES.map((name) => ({
          name: `profile.${name}`,
          type: 'number',
          scope: 'profile',
          label: { zh: `画像指标 ${name}`, en: `profile feature ${name}` },
          kind: null,
          values: null,
        })),
      ],
    };
  }

  @Get(':id')
  @Allow('rules:read')
  @ApiOperation({ summary: 'One rule with all its versions, newest first' })
  async get(@Param('id') id: string) {
    const versions = await this.rules.versions(id);
    if (!versions.length) throw new NotFoundError(`no rule ${id}`);
    return {
      id,
      publishedVersion: versions.find((v) => v.status === 'published')?.version ?? null,
      draftVersion: versions.find((v) => v.status === 'draft')?.version ?? null,
      versions: versions.map(versionView),
    };
  }

  @Get(':id/versions/:version')
  @Allow('rules:read')
  @ApiOperation({ summary: 'One version of a rule, with its definition and lifecycle stamps' })
  async version(@Param('id') id: string, @Param('version') v: string) {
    const row = await this.rules.get(id, versionParam(v));
    if (!row) throw new NotFoundError(`no rule ${id} version ${v}`);
    return versionView(row);
  }

  @Post()
  @Allow('rules:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Propose a new rule (version 1, draft); refused with the reasons if it does not validate',
  })
  @ApiBody({
    schema: {
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
  async create(@Body() body: unknown, @Caller() caller: Principal) {
    const b = parseBody(draftBody, body);
    const id = b.definition.id;
    if (typeof id !== 'string' || !RULE_ID_PATTERN.test(id))
      throw new InvalidInputError('rule refused', [
        `definition.id: expected a rule id of lowercase letters, digits, '.', '_' or '-' (got ${JSON.stringify(id)})`,
      ]);
    return versionView(
      await this.rules.createDraft(
        id,
        (version) => checked(b.definition, id, version),
        actorName(caller),
        true,
      ),
    );
  }

  @Post(':id/versions')
  @Allow('rules:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Propose a change to a rule: its next version, as a draft' })
  async propose(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const b = parseBody(draftBody, body);
    return versionView(
      await this.rules.createDraft(
        id,
        (version) => checked(b.definition, id, version),
        actorName(caller),
        false,
      ),
    );
  }

  @Put(':id/versions/:version')
  @Allow('rules:write')
  @ApiOperation({ summary: 'Edit a draft (its author only); published versions never change' })
  async edit(
    @Param('id') id: string,
    @Param('version') v: string,
    @Body() body: unknown,
    @Caller() caller: Principal,
  ) {
    const b = parseBody(draftBody, body);
    const version = versionParam(v);
    const current = await this.rules.get(id, version);
    if (!current) throw new NotFoundError(`no rule ${id} version ${v}`);
    if (current.status !== 'draft')
      throw new ConflictError(
        `rule ${id} version ${v} is ${current.status}, and a ${current.status} version never changes: propose a new version with POST /api/v1/rules/${id}/versions`,
      );
    return versionView(
      await this.rules.updateDraft(id, version, checked(b.definition, id, version), actorName(caller)),
    );
  }

  @Delete(':id/versions/:version')
  @Allow('rules:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Discard a draft' })
  async discard(@Param('id') id: string, @Param('version') v: string) {
    const version = versionParam(v);
    if (await this.rules.discardDraft(id, version)) return;
    const row = await this.rules.get(id, version);
    if (!row) throw new NotFoundError(`no rule ${id} version ${v}`);
    throw new ConflictError(
      `rule ${id} version ${v} is ${row.status}; only a draft is discarded (retire a rule instead)`,
    );
  }

  @Post(':id/versions/:version/publish')
  @Allow('rules:write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Publish a draft (by another user than its author): it raises alerts from now on, and the version before it is retired',
    description: 'Workers pick up published rules within RULES_REFRESH_MS (default 30 s).',
  })
  async publish(
    @Param('id') id: string,
    @Param('version') v: string,
    @Body() body: unknown,
    @Caller() caller: Principal,
  ) {
    parseBody(publishBody, body);
    const version = versionParam(v);
    const row = await this.rules.get(id, version);
    if (!row) throw new NotFoundError(`no rule ${id} version ${v}`);
    // Validated again: the field catalogue or the scoring model's features may have changed since.
    checked(row.definition as Record<string, unknown>, id, version);
    return versionView(await this.rules.publish(id, version, actorName(caller)));
  }

  @Post(':id/retire')
  @Allow('rules:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a rule: its published version is retired and raises nothing more' })
  async retire(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal) {
    const b = parseBody(retireBody, body);
    const row = await this.rules.retire(id, actorName(caller), b.reason);
    if (!row) throw new NotFoundError(`rule ${id} has no published version`);
    return versionView(row);
  }

  @Post(':id/versions/:version/backtest')
  @Allow('rules:write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Backtest a version over a past period: the alerts it would have raised, per department and per ISO week; nothing is stored or sent',
  })
  @ApiBody({ schema: { example: { from: '2025-01-01', to: '2025-06-30' } } })
  async backtest(@Param('id') id: string, @Param('version') v: string, @Body() body: unknown) {
    const b = parseBody(backtestBody, body);
    const version = versionParam(v);
    const row = await this.rules.get(id, version);
    if (!row) throw new NotFoundError(`no rule ${id} version ${v}`);
    const rule = checked(row.definition as Record<string, unknown>, id, version);
    return { rule: { id, version, status: row.status }, ...(await this.backtests.run(rule, b)) };
  }
}

// A definition as it is stored: with the rule's id and version, validated against the field
// catalogue and the scoring model's features. Refused with every reason at once.
function checked(def: Record<string, unknown>, id: string, version: number): RuleDefinition {
  if (def.id !== undefined && def.id !== id)
    throw new InvalidInputError('rule refused', [
      `definition.id: '${String(def.id)}' does not match the rule ${id}`,
    ]);
  if (def.version !== undefined && def.version !== version)
    throw new InvalidInputError('rule refused', [
      `definition.version: versions are numbered by the server; this one is ${version} (omit it)`,
    ]);
  const result = validateRule({ ...def, id, version }, { profileFeatures: FEATURE_NAMES });
  if (!result.ok) throw new InvalidInputError('rule refused (规则校验未通过)', result.errors);
  return result.rule;
}

function versionView(r: RuleVersionRow) {
  return {
    id: r.id,
    version: r.version,
    status: r.status,
    definition: r.definition,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    publishedBy: r.publishedBy,
    publishedAt: r.publishedAt,
    retiredBy: r.retiredBy,
    retiredAt: r.retiredAt,
    retireReason: r.retireReason,
  };
}
