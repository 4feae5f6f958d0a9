import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InvalidInputError, isCalendarDate } from '@lianjian/common';
import {
  DepartmentRepository,
  EntityRepository,
  RecordRepository,
  ScoreRepository,
} from '@lianjian/database';
import type { EntitySnapshot, StoredRecord } from '@lianjian/domain';
import { computeProfile, profileConfigFor, ScoringModels, type ProfileConfig } from '@lianjian/scoring';
import type { RuleDefinition } from '../rule-definition.schema';
import { ruleFieldNames, usesHistory } from '../rule-evaluation';
import { PROFILE_FIELD_PREFIX } from '../rule-fields';
import { routeFinding } from '../routing/route-finding';
import { validateRoutingMatrix, type RoutingMatrix } from '../routing/routing-matrix.schema';
import { backtestRule, type BacktestEvent, type BacktestResult } from './backtest';

// Loads what a rule would have seen over a period and replays it (backtest.ts). Every event sees the
// entity as it is stored now (master data has no history) and, when the rule names them, the
// entity's records up to the event's date (history.*) and its profile computed as of that date from
// those records (profile.*; related-party features are 0 here). Nothing is stored or sent.
@Injectable()
export class RuleBacktestService {
  static readonly MAX_EVENTS = 500_000;
  static readonly MAX_DAYS = 731;
  private matrixCache?: RoutingMatrix;

  constructor(
    private readonly records: RecordRepository,
    private readonly entities: EntityRepository,
    private readonly scores: ScoreRepository,
    private readonly departments: DepartmentRepository,
    private readonly models: ScoringModels,
    private readonly config: ConfigService,
  ) {}

  // `regionPrefix`: the caller's jurisdiction (a region-code prefix, '' = national); only events about
  // entities registered there are replayed, so only they appear in the counts and the sample.
  async run(
    rule: RuleDefinition,
    period: { from: string; to: string },
    regionPrefix = '',
  ): Promise<BacktestResult & { period: { from: string; to: string }; seconds: number }> {
    const t0 = Date.now();
    assertBacktestable(rule, period);
    const events = await this.events(rule, period, regionPrefix);
    const departments = await this.departments.list();
    const matrix = this.matrix();
    const result = backtestRule(rule, events, {
      route: (ev) =>
        routeFinding({
          finding: { type: rule.finding.type, severity: rule.severity },
          entity: {
            regionCode: ev.ctx.entity?.regionCode ?? null,
            industryCode: ev.ctx.entity?.industryCode ?? null,
          },
          departments,
          matrix,
        }).map((d) => d.departmentCode),
    });
    return { period, ...result, seconds: Math.round((Date.now() - t0) / 100) / 10 };
  }

  private async events(
    rule: RuleDefinition,
    period: { from: string; to: string },
    regionPrefix: string,
  ): Promise<BacktestEvent[]> {
    const fields = ruleFieldNames(rule);
    const needsProfile = fields.some((f) => f.startsWith(PROFILE_FIELD_PREFIX));
    const needsRecords = needsProfile || usesHistory(rule);
    const profileConfig = needsProfile ? profileConfigFor(await this.models.active()) : undefined;
    const trigger = rule.trigger;
    switch (trigger.type) {
      case 'record': {
        const recs: StoredRecord[] = [];
        let after: { occurredAt: string; id: string } | undefined;
        for (;;) {
          const page = await this.records.ofKindsBetween(
            trigger.kinds,
            period.from,
            period.to,
            after,
            20_000,
            regionPrefix,
          );
          recs.push(...page);
          if (recs.length > RuleBacktestService.MAX_EVENTS) throw tooMany(recs.length);
          if (page.length < 20_000) break;
          const last = page[page.length - 1];
          after = { occurredAt: last.occurredAt, id: last.id };
        }
        const ids = [...new Set(recs.map((r) => r.entityId))];
        const { entities, histories } = await this.load(ids, needsRecords);
        return recs.flatMap((record) => {
          const entity = entities.get(record.entityId);
          return entity
            ? [this.event(record.occurredAt, entity, histories?.get(entity.id), profileConfig, { record })]
            : [];
        });
      }
      case 'class_change': {
        const changes = await this.scores.classChangesBetween(
          period.from,
          period.to,
          RuleBacktestService.MAX_EVENTS + 1,
          regionPrefix,
        );
        if (changes.length > RuleBacktestService.MAX_EVENTS) throw tooMany(changes.length);
        const { entities, histories } = await this.load(
          [...new Set(changes.map((c) => c.entityId))],
          needsRecords,
        );
        return changes.flatMap((c) => {
          const entity = entities.get(c.entityId);
          return entity
            ? [
                this.event(c.asOf, entity, histories?.get(entity.id), profileConfig, {
                  score: { previousClass: c.previousClass, riskClass: c.riskClass, score: c.score },
                }),
              ]
            : [];
        });
      }
      case 'score_crosses': {
        const crossings = await this.scores.crossingsBetween(
          period.from,
          period.to,
          trigger,
          RuleBacktestService.MAX_EVENTS + 1,
          regionPrefix,
        );
        if (crossings.length > RuleBacktestService.MAX_EVENTS) throw tooMany(crossings.length);
        const { entities, histories } = await this.load(
          [...new Set(crossings.map((c) => c.entityId))],
          needsRecords,
        );
        return crossings.flatMap((c) => {
          const entity = entities.get(c.entityId);
          return entity
            ? [
                this.event(c.asOf, entity, histories?.get(entity.id), profileConfig, {
                  score: {
                    previousClass: c.previousClass,
                    riskClass: c.riskClass,
                    score: c.score,
                    previousScore: c.previousScore,
                  },
                }),
              ]
            : [];
        });
      }
      case 'feed_health':
      case 'delivery_overdue':
      case 'case_overdue':
      case 'publication_overdue':
        throw liveTrigger(rule);
    }
  }

  private event(
    at: string,
    entity: EntitySnapshot,
    records: readonly StoredRecord[] | undefined,
    profileConfig: ProfileConfig | undefined,
    extra: Pick<BacktestEvent['ctx'], 'record' | 'score'>,
  ): BacktestEvent {
    // Only what was known on the event's date.
    const known = records?.filter((r) => r.occurredAt <= at);
    return {
      at,
      subject: entity.id,
      subjectLabel: entity.name ?? entity.uscc ?? `${entity.scheme}:${entity.externalId}`,
      ctx: {
        ...extra,
        entity,
        history: known,
        profile:
          profileConfig && known
            ? computeProfile({ entity, records: known, asOf: at }, profileConfig).features
            : undefined,
        now: at,
      },
    };
  }

  private async load(
    ids: string[],
    withRecords: boolean,
  ): Promise<{ entities: Map<string, EntitySnapshot>; histories?: Map<string, StoredRecord[]> }> {
    const entities = new Map<string, EntitySnapshot>();
    const histories = withRecords ? new Map<string, StoredRecord[]>() : undefined;
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      for (const e of await this.entities.findByIds(chunk)) entities.set(e.id, e);
      if (histories) for (const [id, list] of await this.records.forEntities(chunk)) histories.set(id, list);
    }
    return { entities, histories };
  }

  private matrix(): RoutingMatrix {
    const file = join(this.config.getOrThrow<string>('CONFIG_DIR'), 'routing', 'joint-action-matrix.json');
    return (this.matrixCache ??= validateRoutingMatrix(JSON.parse(readFileSync(file, 'utf8'))));
  }
}

// What can be refused before a backtest is queued: a trigger observed live (no history to replay),
// and a period that is not one (dates, order, length). InvalidInputError (400) with the reasons.
export function assertBacktestable(rule: RuleDefinition, period: { from: string; to: string }): void {
  const type = rule.trigger.type;
  if (
    type === 'feed_health' ||
    type === 'delivery_overdue' ||
    type === 'case_overdue' ||
    type === 'publication_overdue'
  )
    throw liveTrigger(rule);
  checkPeriod(period);
}

function liveTrigger(rule: RuleDefinition): InvalidInputError {
  switch (rule.trigger.type) {
    case 'feed_health':
      return new InvalidInputError(
        `rule ${rule.id} is triggered by feed health, which is observed live and not kept as history: it cannot be backtested (数据报送状况无历史记录，无法回测)`,
      );
    case 'delivery_overdue':
      return new InvalidInputError(
        `rule ${rule.id} is triggered by overdue acknowledgements, which are observed live: it cannot be backtested (签收超时为实时状态，无法回测)`,
      );
    case 'publication_overdue':
      return new InvalidInputError(
        `rule ${rule.id} is triggered by results published late, which are observed live: it cannot be backtested (结果公示超期为实时状态，无法回测)`,
      );
    default:
      return new InvalidInputError(
        `rule ${rule.id} is triggered by overdue case tasks, which are observed live: it cannot be backtested (案件任务逾期为实时状态，无法回测)`,
      );
  }
}

function checkPeriod(p: { from: string; to: string }): void {
  const problems: string[] = [];
  if (!isCalendarDate(p.from)) problems.push(`from: '${p.from}' is not a YYYY-MM-DD date`);
  if (!isCalendarDate(p.to)) problems.push(`to: '${p.to}' is not a YYYY-MM-DD date`);
  if (!problems.length) {
    const days = (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000;
    if (days < 0) problems.push(`to (${p.to}) is before from (${p.from})`);
    else if (days > RuleBacktestService.MAX_DAYS)
      problems.push(
        `the period is ${days} days; backtest at most ${RuleBacktestService.MAX_DAYS} days at a time`,
      );
  }
  if (problems.length) throw new InvalidInputError('invalid backtest period (回测期间无效)', problems);
}

const tooMany = (n: number) =>
  new InvalidInputError(
    `more than ${RuleBacktestService.MAX_EVENTS} events (${n}+) in the period: backtest a shorter period (回测期间事件过多，请缩短期间)`,
  );
