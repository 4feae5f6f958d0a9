import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ConflictError, InvalidInputError, NotFoundError, withTimeout } from '@lianjian/common';
import { RuleRepository, type RuleVersionRow } from '@lianjian/database';
import {
  assertBacktestable,
  operatorsFor,
  OPERATORS_BY_TYPE,
  RULE_FIELDS,
  validateRoutingMatrix,
  type RoutingMatrix,
  RULE_ID_PATTERN,
  validateRule,
  type RuleDefinition,
} from '@lianjian/rules';
import { JobName, JobQueue, QueueName, type JobPayloads } from '@lianjian/queue';
import { FEATURE_NAMES } from '@lianjian/scoring';
import { actorName, principalJurisdiction, type Principal } from '@lianjian/access';
import type { BacktestBody, DraftBody, RetireBody } from './dto/rule.dto';

// 规则管理: rules are versioned data. A change is a draft (a new version) that only its author edits
// or discards; another user reviews and publishes it (四眼原则), which retires the version before it.
// Stopping a rule takes two users too: one asks for the retirement, another confirms it. Published
// versions never change, and every alert names the version that raised it. A draft can be
// backtested over a past period first.
@Injectable()
export class RulesService {
  private matrixCache?: RoutingMatrix;

  constructor(
    private readonly rules: RuleRepository,
    private readonly jobs: JobQueue,
    private readonly config: ConfigService,
  ) {}

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

  // The field catalogue, with the operators each field accepts and the format its values must have,
  // and the finding types of the routing matrix (who acts on each): what a rule editor offers.
  fields() {
    const matrix = this.matrix();
    return {
      items: [
        ...RULE_FIELDS.map((f) => ({
          name: f.name,
          type: f.type,
          scope: f.scope,
          label: f.label,
          kind: f.kind ?? null,
          values: f.vocabulary ?? null,
          valueLabels: f.valueLabels ?? null,
          operators: operatorsFor(f),
          hint: f.patternHint ?? null,
        })),
        ...FEATURE_NAMES.map((name) => ({
          name: `profile.${name}`,
          type: 'number' as const,
          scope: 'profile',
          label: { zh: `画像指标 ${name}`, en: `profile feature ${name}` },
          kind: null,
          values: null,
          valueLabels: null,
          operators: OPERATORS_BY_TYPE.number,
          hint: null,
        })),
      ],
      findings: matrix.findings.map((f) => ({
        type: f.finding,
        industry: f.actingDomains.industry,
        domains: f.actingDomains.fixed,
        levels: f.levels,
        memorandum: f.memorandum,
        note: f.note ?? null,
      })),
      defaultRoute: {
        industry: matrix.defaults.actingDomains.industry,
        domains: matrix.defaults.actingDomains.fixed,
        levels: matrix.defaults.levels,
      },
    };
  }

  private matrix(): RoutingMatrix {
    const file = join(this.config.getOrThrow<string>('CONFIG_DIR'), 'routing', 'joint-action-matrix.json');
    return (this.matrixCache ??= validateRoutingMatrix(JSON.parse(readFileSync(file, 'utf8'))));
  }

  async get(id: string) {
    const versions = await this.rules.versions(id);
    if (!versions.length) throw new NotFoundError(`no rule ${id}`);
    return {
      id,
      publishedVersion: versions.find((v) => v.status === 'published')?.version ?? null,
      draftVersion: versions.find((v) => v.status === 'draft')?.version ?? null,
      versions: versions.map(versionView),
    };
  }

  async version(id: string, v: string) {
    return versionView(await this.existing(id, v));
  }

  // A new rule: version 1, a draft.
  async create(caller: Principal, b: DraftBody) {
    const id = b.definition.id;
    if (typeof id !== 'string' || !RULE_ID_PATTERN.test(id))
      throw new InvalidInputError('rule refused', [
        `definition.id: expected a rule id of lowercase letters, digits, '.', '_' or '-' (got ${JSON.stringify(id)})`,
      ]);
    return this.draft(caller, id, b, true);
  }

  // A change to a rule: its next version, as a draft.
  propose(caller: Principal, id: string, b: DraftBody) {
    return this.draft(caller, id, b, false);
  }

  async edit(caller: Principal, id: string, v: string, b: DraftBody) {
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

  discard(caller: Principal, id: string, v: string): Promise<void> {
    return this.rules.discardDraft(id, versionParam(v), actorName(caller));
  }

  async publish(caller: Principal, id: string, v: string) {
    const row = await this.existing(id, v);
    // Validated again: the field catalogue or the scoring model's features may have changed since.
    checked(row.definition as Record<string, unknown>, id, row.version);
    return versionView(await this.rules.publish(id, row.version, actorName(caller)));
  }

  // Asks for the retirement of the published version; it stops once another user confirms.
  async retire(caller: Principal, id: string, b: RetireBody) {
    return publishedView(id, await this.rules.requestRetirement(id, actorName(caller), b.reason));
  }

  async confirmRetirement(caller: Principal, id: string) {
    return publishedView(id, await this.rules.confirmRetirement(id, actorName(caller)));
  }

  async withdrawRetirement(id: string) {
    return publishedView(id, await this.rules.withdrawRetirement(id));
  }

  // The alerts a version would have raised over a past period; nothing is stored or sent. Queued for a
  // worker (the backtest queue) over the events of the caller's jurisdiction only; what cannot be
  // backtested is refused now. The answer names where to read the state and the result.
  async backtest(caller: Principal, id: string, v: string, period: BacktestBody) {
    const row = await this.existing(id, v);
    const rule = checked(row.definition as Record<string, unknown>, id, row.version);
    assertBacktestable(rule, period);
    const backtestId = randomUUID();
    const keep = { age: this.config.getOrThrow<number>('BACKTEST_RESULT_TTL_SECONDS') };
    const data: JobPayloads[JobName.BacktestRule] = {
      rule: { id, version: row.version, status: row.status, definition: rule },
      period,
      regionPrefix: principalJurisdiction(caller) ?? '',
      requestedBy: caller.id,
    };
    await withTimeout(
      this.jobs.add(JobName.BacktestRule, data, {
        jobId: backtestId,
        removeOnComplete: keep,
        removeOnFail: keep,
      }),
      2000,
    );
    return {
      backtestId,
      state: 'queued',
      location: `/api/v1/rules/${id}/versions/${row.version}/backtests/${backtestId}`,
    };
  }

  // A backtest's state, and its result once done: to whoever asked for it only (to anyone else, and
  // once it is no longer kept, a 404).
  async backtestResult(caller: Principal, id: string, v: string, backtestId: string) {
    const missing = new NotFoundError(`no backtest ${backtestId} of rule ${id} version ${v}`);
    if (!UUID.test(backtestId)) throw missing;
    const job = await withTimeout(this.jobs.queue(QueueName.Backtest).getJob(backtestId), 2000);
    const data = job?.data as JobPayloads[JobName.BacktestRule] | undefined;
    if (
      !job ||
      !data ||
      data.requestedBy !== caller.id ||
      data.rule.id !== id ||
      String(data.rule.version) !== v
    )
      throw missing;
    const state = await job.getState();
    const { definition: _definition, ...rule } = data.rule;
    const view = {
      backtestId,
      state: BACKTEST_STATE[state] ?? 'queued',
      rule,
      period: data.period,
      jurisdiction: data.regionPrefix,
      requestedAt: new Date(job.timestamp),
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    };
    if (state === 'completed') return { ...view, result: job.returnvalue };
    if (state === 'failed') return { ...view, error: { message: job.failedReason } };
    return view;
  }

  private async draft(caller: Principal, id: string, b: DraftBody, isNew: boolean) {
    const check = (version: number) => checked(b.definition, id, version);
    return versionView(await this.rules.createDraft(id, check, actorName(caller), isNew));
  }

  private async existing(id: string, v: string): Promise<RuleVersionRow> {
    const row = await this.rules.get(id, versionParam(v));
    if (!row) throw new NotFoundError(`no rule ${id} version ${v}`);
    return row;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// BullMQ's job states as a backtest's.
const BACKTEST_STATE: Record<string, 'queued' | 'running' | 'done' | 'failed'> = {
  waiting: 'queued',
  'waiting-children': 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  active: 'running',
  completed: 'done',
  failed: 'failed',
};

function publishedView(id: string, row: RuleVersionRow | undefined) {
  if (!row) throw new NotFoundError(`rule ${id} has no published version`);
  return versionView(row);
}

function versionParam(v: string): number {
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1) throw new NotFoundError(`no rule version ${v}`);
  return Number(v);
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
    retireRequestedBy: r.retireRequestedBy,
    retireRequestedAt: r.retireRequestedAt,
    retireRequestReason: r.retireRequestReason,
  };
}
