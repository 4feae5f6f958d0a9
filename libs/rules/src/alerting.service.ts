import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  AlertLifecycleRepository,
  AlertRepository,
  CaseRepository,
  DepartmentRepository,
  EntityRepository,
  RecordRepository,
  RuleRepository,
  ScoreRepository,
} from '@lianjian/database';
import type { LocalizedText } from '@lianjian/reference';
import type { StoredRecord } from '@lianjian/domain';
import { todayInShanghai } from '@lianjian/common';
import {
  ACTIVE_CASE_STATES,
  autoOpenCaseType,
  dispatchDueAt,
  loadCaseTypes,
  pickLeadDepartment,
  type CaseTypesConfig,
} from '@lianjian/cases';
import { allFeatures, FEATURE_NAMES } from '@lianjian/scoring';
import type { RuleDefinition } from './rule-definition.schema';
import { loadRuleSet } from './rule-set';
import { validateRule } from './rule-validation';
import {
  alertKey,
  evaluateRule,
  scoreTriggerMatches,
  usesHistory,
  type RuleEvaluation,
} from './rule-evaluation';
import type { FeedSnapshot, OverdueCaseTask, OverdueDelivery, RuleEvaluationContext } from './rule-context';
import { loadAcknowledgementSla, type AcknowledgementSla } from './routing/acknowledgement-sla';
import { validateRoutingMatrix, type RoutingMatrix } from './routing/routing-matrix.schema';
import { industryDomainsFor, routeFinding, type RoutedDelivery } from './routing/route-finding';

// Where an alert is raised and routed: evaluates published rules on what changed, and stores one alert
// per finding with one delivery per department the joint-action matrix names (一处发现、多方联动).
@Injectable()
export class AlertingService implements OnModuleInit {
  private readonly log = new Logger(AlertingService.name);
  private readonly configDir: string;
  readonly matrix: RoutingMatrix;
  readonly sla: AcknowledgementSla;
  readonly caseTypes: CaseTypesConfig;
  private rulesCache?: { at: number; rules: RuleDefinition[] };
  private readonly rulesRefreshMs: number;

  constructor(
    private readonly rulesRepo: RuleRepository,
    private readonly alerts: AlertRepository,
    private readonly lifecycle: AlertLifecycleRepository,
    private readonly records: RecordRepository,
    private readonly entities: EntityRepository,
    private readonly scores: ScoreRepository,
    private readonly departments: DepartmentRepository,
    config: ConfigService,
    private readonly cases: CaseRepository,
  ) {
    this.configDir = config.getOrThrow<string>('CONFIG_DIR');
    this.rulesRefreshMs = Number(config.get('RULES_REFRESH_MS') ?? 30_000);
    this.matrix = validateRoutingMatrix(
      readJson(join(this.configDir, 'routing', 'joint-action-matrix.json')),
    );
    this.sla = loadAcknowledgementSla(this.configDir);
    this.caseTypes = loadCaseTypes(this.configDir);
  }

  // The rule set of config/rules is validated and its versions published on start: a broken rule file
  // stops the worker with the rule and field named, instead of silently raising nothing.
  async onModuleInit(): Promise<void> {
    const defs = loadConfigRules(this.configDir);
    const { added } = await this.rulesRepo.syncPublished(defs, 'config');
    if (added) this.log.log(`published ${added} rule version(s) from config/rules`);
  }

  async activeRules(): Promise<RuleDefinition[]> {
    if (this.rulesCache && Date.now() - this.rulesCache.at < this.rulesRefreshMs)
      return this.rulesCache.rules;
    const rules: RuleDefinition[] = [];
    for (const stored of await this.rulesRepo.published()) {
      const v = validateRule(stored.definition, { profileFeatures: FEATURE_NAMES });
      if (v.ok) rules.push(v.rule);
      else
        this.log.error(
          `published rule ${stored.id} v${stored.version} no longer validates: ${v.errors.join('; ')}`,
        );
    }
    this.rulesCache = { at: Date.now(), rules };
    return rules;
  }

  // Record-triggered rules over the records a batch inserted or changed. Returns alerts raised or updated.
  async evaluateBatch(batchId: string): Promise<number> {
    const rules = (await this.activeRules()).filter((r) => r.trigger.type === 'record');
    const kinds = [...new Set(rules.flatMap((r) => (r.trigger.type === 'record' ? r.trigger.kinds : [])))];
    if (!kinds.length) return 0;
    const records = await this.records.changedByBatch(batchId, kinds);
    if (!records.length) return 0;
    // Only the rules this batch's kinds trigger: a batch of inspections loads no history for a
    // penalty rule that needs it.
    const present = new Set(records.map((r) => r.kind));
    const used = rules.filter(
      (r) => r.trigger.type === 'record' && r.trigger.kinds.some((k) => present.has(k)),
    );
    const scope = await this.entityScope(
      records.map((r) => r.entityId),
      used,
    );
    const now = todayInShanghai();
    let raised = 0;
    for (const record of records) {
      const seen = scope(record.entityId);
      if (!seen) continue;
      const ctx: RuleEvaluationContext = { record, ...seen, now };
      for (const rule of used) {
        const ev = evaluateRule(rule, ctx);
        if (ev.matched) {
          await this.raise(rule, ctx, ev, record);
          raised++;
        }
      }
    }
    return raised;
  }

  // class_change and score_crosses rules over the scores one save changed (a chunk of a run, or one
  // entity re-scored). Triggers are checked on the job's figures first; entities, profiles and
  // histories are loaded only for the scores some rule fires on.
  async evaluateScores(
    entries: readonly (readonly [string, string, string, string, number | null, number])[],
  ): Promise<number> {
    const rules = (await this.activeRules()).filter(
      (r) => r.trigger.type === 'class_change' || r.trigger.type === 'score_crosses',
    );
    if (!rules.length) return 0;
    const fired = entries
      .map(([scoreId, entityId, previousClass, riskClass, previousScore, score]) => ({
        scoreId,
        entityId,
        change: { previousClass, riskClass, previousScore, score },
      }))
      .filter((e) => rules.some((r) => scoreTriggerMatches(r.trigger, e.change)));
    if (!fired.length) return 0;
    const scope = await this.entityScope(
      fired.map((f) => f.entityId),
      rules,
    );
    const now = todayInShanghai();
    let raised = 0;
    for (const f of fired) {
      const seen = scope(f.entityId);
      if (!seen) continue;
      const ctx: RuleEvaluationContext = { ...seen, score: f.change, now };
      for (const rule of rules) {
        const ev = evaluateRule(rule, ctx);
        if (ev.matched) {
          await this.raise(rule, ctx, ev, undefined);
          raised++;
        }
      }
    }
    return raised;
  }

  // A score that moved its entity to another class (jobs queued before EvaluateScores existed).
  async evaluateScoreChange(scoreId: string): Promise<number> {
    const score = await this.scores.get(scoreId);
    if (!score?.previousClass) return 0;
    const before = await this.scores.before(score.entityId, scoreId);
    return this.evaluateScores([
      [scoreId, score.entityId, score.previousClass, score.riskClass, before?.score ?? null, score.score],
    ]);
  }

  // What rules about entities may read, loaded once for many of them: the entity, its profile
  // (every feature) and, when a rule names history.* fields, its records.
  private async entityScope(
    entityIds: readonly string[],
    rules: readonly RuleDefinition[],
  ): Promise<(id: string) => Pick<RuleEvaluationContext, 'entity' | 'profile' | 'history'> | undefined> {
    const ids = [...new Set(entityIds)];
    if (!ids.length) return () => undefined;
    const entities = new Map((await this.entities.findByIds(ids)).map((e) => [e.id, e]));
    const profiles = await this.scores.profiles(ids);
    const histories = rules.some(usesHistory) ? await this.records.forEntities(ids) : undefined;
    return (id) => {
      const entity = entities.get(id);
      if (!entity) return undefined;
      const stored = profiles.get(id);
      return {
        entity,
        profile: stored && allFeatures(stored),
        history: histories && (histories.get(id) ?? []),
      };
    };
  }

  // Feed-health rules over the feeds the scheduled check looked at. A feed finding goes to the
  // department that sends the feed, so that it repairs its export; while its alert is open, the same
  // finding again updates it rather than raising another.
  async evaluateFeeds(feeds: readonly FeedSnapshot[]): Promise<number> {
    const rules = (await this.activeRules()).filter((r) => r.trigger.type === 'feed_health');
    if (!rules.length || !feeds.length) return 0;
    const departments = new Set((await this.departments.list()).map((d) => d.code));
    const now = todayInShanghai();
    let raised = 0;
    for (const feed of feeds)
      for (const rule of rules) {
        const ctx: RuleEvaluationContext = { feed, now };
        const ev = evaluateRule(rule, ctx);
        if (!ev.matched) continue;
        await this.raiseForFeed(rule, ctx, ev, feed, departments);
        raised++;
      }
    return raised;
  }

  // Deliveries past their acknowledgement SLA (逾期未签收): delivery_overdue rules decide whether the
  // lateness becomes a finding and who hears about it (the shipped rule: the coordinator). Each
  // overdue delivery is looked at once, and an escalation is logged on the late alert.
  async evaluateOverdue(): Promise<number> {
    const rows = await this.lifecycle.overdueDeliveries(this.sla.hoursBySeverity);
    if (!rows.length) return 0;
    const rules = (await this.activeRules()).filter((r) => r.trigger.type === 'delivery_overdue');
    const scope = await this.entityScope(
      rows.flatMap((r) => (r.entityId ? [r.entityId] : [])),
      rules,
    );
    const now = todayInShanghai();
    let raised = 0;
    const looked: {
      deliveryId: string;
      alertId: string;
      departmentCode: string;
      escalationAlertId?: string;
    }[] = [];
    for (const row of rows) {
      const overdue: OverdueDelivery = {
        alertId: row.alertId,
        departmentCode: row.departmentCode,
        departmentRegion: row.departmentRegion,
        alertSeverity: row.alertSeverity,
        alertFinding: row.alertFinding,
        alertRuleId: row.alertRuleId,
        slaHours: row.slaHours,
        hoursOverdue: row.hoursOverdue,
        deliveredAt: row.deliveredAt ? new Date(row.deliveredAt).toISOString() : null,
      };
      const ctx: RuleEvaluationContext = { ...(row.entityId ? scope(row.entityId) : {}), overdue, now };
      let escalationAlertId: string | undefined;
      for (const rule of rules) {
        const ev = evaluateRule(rule, ctx);
        if (!ev.matched) continue;
        const id = await this.raiseEscalation(rule, ctx, ev, overdue, row.source);
        if (id) {
          escalationAlertId ??= id;
          raised++;
        }
      }
      looked.push({
        deliveryId: row.deliveryId,
        alertId: row.alertId,
        departmentCode: row.departmentCode,
        escalationAlertId,
      });
    }
    await this.lifecycle.markEscalated(looked, 'escalation-check');
    if (raised) this.log.log(`escalation check: ${rows.length} overdue deliveries, ${raised} escalation(s)`);
    return raised;
  }

  // The departments the joint-action matrix names for a rule's finding about an entity there.
  private async route(
    rule: RuleDefinition,
    regionCode: string | null,
    industryCode: string | null,
  ): Promise<RoutedDelivery[]> {
    return routeFinding({
      finding: { type: rule.finding.type, severity: rule.severity },
      entity: { regionCode, industryCode },
      departments: await this.departments.list(),
      matrix: this.matrix,
    });
  }

  private async raiseEscalation(
    rule: RuleDefinition,
    ctx: RuleEvaluationContext,
    ev: RuleEvaluation,
    overdue: OverdueDelivery,
    source: string | null,
  ): Promise<string | undefined> {
    const entity = ctx.entity;
    const subject = entity ? entity.id : `feed:${source}`;
    const key = alertKey(rule, subject, ctx);
    if (
      await this.suppressed(rule, { entityId: entity?.id ?? null, source }, key, {
        lateAlertId: overdue.alertId,
      })
    )
      return undefined;
    // Routed where the late alert's entity is (or, for a feed alert, where the late department sits).
    const routed = await this.route(
      rule,
      entity?.regionCode ?? overdue.departmentRegion,
      entity?.industryCode ?? null,
    );
    if (!routed.length)
      this.log.warn(`escalation ${rule.finding.type} of alert ${overdue.alertId} routes to no department`);
    const hours = Math.round(overdue.hoursOverdue);
    const res = await this.alerts.raise({
      alertKey: key,
      ruleId: rule.id,
      ruleVersion: rule.version,
      entityId: entity?.id ?? null,
      source: entity ? null : source,
      findingType: rule.finding.type,
      severity: rule.severity,
      title: {
        zh: `${rule.finding.label.zh}：${overdue.departmentCode}逾期${hours}小时未签收预警 #${overdue.alertId}`,
        en: `${rule.finding.label.en}: ${overdue.departmentCode} has not acknowledged alert #${overdue.alertId}, ${hours} h past its ${overdue.slaHours} h SLA`,
      },
      explanation: alertExplanation(rule, ev, { overdue }, routed, {
        zh: '未匹配到督办部门',
        en: 'no coordinating department in the jurisdiction',
      }),
      triggerRecordId: null,
      deliveries: inboxDeliveries(routed),
    });
    if (res.created)
      await this.lifecycle.record(res.alertId, ruleActor(rule), 'raised', { lateAlertId: overdue.alertId });
    return res.alertId;
  }

  // Joint-enforcement case tasks past their due date (案件任务逾期): case_overdue rules decide who
  // hears about it (the shipped rule: the late department and the city's credit office). Each late
  // task is looked at once as a reminder (催办) and once more, still late after its case type's
  // grace period, as an escalation (督办).
  async evaluateCaseOverdue(): Promise<number> {
    const grace = Object.fromEntries(this.caseTypes.types.map((t) => [t.id, t.escalateAfterDays]));
    const fallback = this.caseTypes.types.find((t) => t.fallback)?.escalateAfterDays ?? 3;
    const rows = await this.cases.overdueTasks(grace, fallback);
    if (!rows.length) return 0;
    const rules = (await this.activeRules()).filter((r) => r.trigger.type === 'case_overdue');
    const scope = await this.entityScope(
      rows.map((r) => r.entityId),
      rules,
    );
    const now = todayInShanghai();
    let raised = 0;
    const looked: { taskId: string; stage: 'reminder' | 'escalation'; alertId?: string }[] = [];
    for (const row of rows) {
      const caseTask: OverdueCaseTask = {
        caseId: row.caseId,
        caseType: row.caseType,
        caseState: row.caseState,
        caseTitle: row.caseTitle,
        departmentCode: row.departmentCode,
        departmentRegion: row.departmentRegion,
        leadDepartment: row.leadDepartment,
        taskState: row.taskState,
        stage: row.stage,
        dueAt: new Date(row.dueAt).toISOString(),
        daysOverdue: row.daysOverdue,
      };
      const ctx: RuleEvaluationContext = { ...scope(row.entityId), caseTask, now };
      let alertId: string | undefined;
      for (const rule of rules) {
        const ev = evaluateRule(rule, ctx);
        if (!ev.matched) continue;
        const id = await this.raiseCaseOverdue(rule, ctx, ev, caseTask);
        if (id) {
          alertId ??= id;
          raised++;
        }
      }
      looked.push({ taskId: row.taskId, stage: row.stage, alertId });
    }
    await this.cases.markOverdue(looked);
    if (raised) this.log.log(`case overdue check: ${rows.length} late task(s), ${raised} alert(s)`);
    return raised;
  }

  private async raiseCaseOverdue(
    rule: RuleDefinition,
    ctx: RuleEvaluationContext,
    ev: RuleEvaluation,
    task: OverdueCaseTask,
  ): Promise<string | undefined> {
    const entity = ctx.entity;
    if (!entity) {
      this.log.warn(`case ${task.caseId}: its entity is gone, no ${rule.id} alert`);
      return undefined;
    }
    const key = alertKey(rule, entity.id, ctx);
    if (await this.suppressed(rule, { entityId: entity.id }, key, { caseId: task.caseId })) return undefined;
    // The late department itself, and whoever the matrix names for the finding where the entity is
    // (the shipped row: the city's social credit office, which coordinates joint enforcement).
    const late = {
      departmentCode: task.departmentCode,
      level: 'case',
      domains: [] as string[],
      reason: {
        zh: `本部门承办的联合执法案件 #${task.caseId} 任务逾期未反馈`,
        en: `this department's task in joint-enforcement case #${task.caseId} is late with its result`,
      },
    };
    const routed = (
      await this.route(rule, entity.regionCode ?? task.departmentRegion, entity.industryCode)
    ).filter((d) => d.departmentCode !== task.departmentCode);
    const to = [late, ...routed];
    const escalation = task.stage === 'escalation';
    const res = await this.alerts.raise({
      alertKey: key,
      ruleId: rule.id,
      ruleVersion: rule.version,
      entityId: entity.id,
      findingType: rule.finding.type,
      severity: rule.severity,
      title: {
        zh: `${rule.finding.label.zh}${escalation ? '（督办）' : '（催办）'}：案件 #${task.caseId}「${task.caseTitle}」${task.departmentCode}逾期${task.daysOverdue}天未反馈`,
        en: `${rule.finding.label.en} (${task.stage}): ${task.departmentCode} is ${task.daysOverdue} day(s) late with its result in case #${task.caseId}`,
      },
      explanation: alertExplanation(rule, ev, { caseTask: task }, to),
      triggerRecordId: null,
      deliveries: inboxDeliveries(to),
    });
    if (res.created)
      await this.lifecycle.record(res.alertId, ruleActor(rule), 'raised', {
        caseId: task.caseId,
        department: task.departmentCode,
        stage: task.stage,
      });
    return res.alertId;
  }

  // An alert whose severity its case type lists in autoOpen gets a case by itself (自动立案): it
  // joins the entity's case still being worked on, if there is one, else opens a new case with the
  // departments it was routed to, led by the first of them covering the type's lead domain (else the
  // entity's industry domains). Idempotent: an alert belongs to at most one case, so a rules job run
  // twice, or the same finding again, never gives it a second one.
  private async autoOpenCase(
    alertId: string,
    rule: RuleDefinition,
    entity: NonNullable<RuleEvaluationContext['entity']>,
    routed: readonly RoutedDelivery[],
  ): Promise<void> {
    const type = autoOpenCaseType(this.caseTypes, {
      findingType: rule.finding.type,
      severity: rule.severity,
    });
    if (!type || !routed.length) return;
    const domainsOf = new Map((await this.departments.list()).map((d) => [d.code, d.domains]));
    const preferred = type.autoOpen.leadDomain
      ? [type.autoOpen.leadDomain]
      : (industryDomainsFor(entity.industryCode, this.matrix)?.domains ?? []);
    const lead = pickLeadDepartment(
      routed.map((d) => ({ code: d.departmentCode, domains: domainsOf.get(d.departmentCode) ?? d.domains })),
      preferred,
    );
    if (!lead) return;
    const actor = ruleActor(rule);
    const openedAt = new Date();
    const result = await this.cases.transaction(async (tx) => {
      await tx.lockEntity(entity.id);
      if (await tx.alertInCase(alertId)) return undefined;
      const active = await tx.lockActiveCaseOf(entity.id, ACTIVE_CASE_STATES);
      if (active) {
        await tx.addAlerts(active, [alertId], 'auto', actor);
        return { caseId: active, joined: true };
      }
      const caseId = await tx.insertCase({
        caseType: type.id,
        entityId: entity.id,
        title: `${type.label.zh}：${entity.name ?? entity.uscc ?? entity.externalId}`,
        leadDepartment: lead,
        departments: routed.map((d) => d.departmentCode),
        origin: 'auto',
        openedBy: actor,
        openedAt,
        dueAt: dispatchDueAt(type, openedAt),
      });
      await tx.addAlerts(caseId, [alertId], 'auto', actor);
      await tx.transition(
        caseId,
        null,
        'open',
        actor,
        `opened automatically by ${rule.severity} alert ${alertId}`,
        {
          alertIds: [alertId],
          caseType: type.id,
        },
      );
      return { caseId, joined: false };
    });
    if (result)
      this.log.log(
        `alert ${alertId} ${result.joined ? 'joined' : 'opened'} case ${result.caseId} (${type.id}) on entity ${entity.id}`,
      );
  }

  private async raiseForFeed(
    rule: RuleDefinition,
    ctx: RuleEvaluationContext,
    ev: RuleEvaluation,
    feed: FeedSnapshot,
    departments: ReadonlySet<string>,
  ): Promise<void> {
    const to = feed.departmentCode && departments.has(feed.departmentCode) ? feed.departmentCode : null;
    if (!to)
      this.log.warn(
        `feed finding ${rule.finding.type} on ${feed.source} routes to no department (profile department ${feed.departmentCode ?? 'none'})`,
      );
    const reason = {
      zh: '本部门为该数据源的报送部门，负责修复数据导出',
      en: 'this department sends the feed and repairs its export',
    };
    const key = alertKey(rule, `feed:${feed.source}`, ctx);
    if (await this.suppressed(rule, { entityId: null, source: feed.source }, key, { feed: feed.source }))
      return;
    const res = await this.alerts.raise({
      alertKey: key,
      ruleId: rule.id,
      ruleVersion: rule.version,
      entityId: null,
      source: feed.source,
      findingType: rule.finding.type,
      severity: rule.severity,
      title: {
        zh: `${rule.finding.label.zh}：${feed.source}（${feed.message.zh}）`,
        en: `${rule.finding.label.en}: ${feed.source} (${feed.message.en})`,
      },
      explanation: alertExplanation(
        rule,
        ev,
        { feed },
        to ? [{ departmentCode: to, level: null, domains: [], reason }] : [],
        {
          zh: '数据源配置未指明已登记的报送部门',
          en: 'the source profile names no registered sending department',
        },
      ),
      triggerRecordId: null,
      deliveries: to ? [{ departmentCode: to, channel: 'inbox', level: 'source', reason }] : [],
    });
    if (res.created) {
      await this.lifecycle.record(res.alertId, ruleActor(rule), 'raised', { feed: feed.source });
      this.log.log(`alert ${res.alertId} ${rule.id} on feed ${feed.source}`);
    }
  }

  // A finding with no open alert for its key is held back while the rule's latest alert about the
  // same subject is snoozed or within the rule's cooldown; the suppression is logged on that alert.
  private async suppressed(
    rule: RuleDefinition,
    subject: { entityId: string | null; source?: string | null },
    key: string,
    detail: object,
  ): Promise<boolean> {
    const s = await this.lifecycle.suppression(rule.id, subject, key, rule.cooldownDays ?? 0);
    if (!s.suppress) return false;
    await this.lifecycle.record(s.alertId, ruleActor(rule), 'suppressed', {
      reason: s.reason,
      until: s.until,
      alertKey: key,
      ...detail,
    });
    this.log.debug(`rule ${rule.id}: finding ${key} suppressed (${s.reason} until ${s.until.toISOString()})`);
    return true;
  }

  private async raise(
    rule: RuleDefinition,
    ctx: RuleEvaluationContext,
    ev: RuleEvaluation,
    record: StoredRecord | undefined,
  ): Promise<void> {
    const entity = ctx.entity;
    if (!entity) throw new Error(`rule ${rule.id}: an entity finding without an entity`);
    const routed = await this.route(rule, entity.regionCode, entity.industryCode);
    if (!routed.length)
      this.log.warn(
        `finding ${rule.finding.type} on entity ${entity.id} routes to no department (region ${entity.regionCode ?? 'unknown'})`,
      );
    const key = alertKey(rule, entity.id, ctx);
    if (await this.suppressed(rule, { entityId: entity.id }, key, { recordId: record?.id ?? null })) return;
    const res = await this.alerts.raise({
      alertKey: key,
      ruleId: rule.id,
      ruleVersion: rule.version,
      entityId: entity.id,
      findingType: rule.finding.type,
      severity: rule.severity,
      title: {
        zh: `${rule.finding.label.zh}：${entity.name ?? entity.uscc ?? entity.externalId}`,
        en: `${rule.finding.label.en}: ${entity.name ?? entity.uscc ?? entity.externalId}`,
      },
      explanation: alertExplanation(
        rule,
        ev,
        record
          ? {
              recordId: record.id,
              source: record.source,
              sourceRecordId: record.sourceRecordId,
              kind: record.kind,
              departmentCode: record.departmentCode,
              occurredAt: record.occurredAt,
            }
          : { score: ctx.score },
        routed,
        {
          zh: '未匹配到应联动的部门（主体辖区或行业未知）',
          en: 'no department to act: entity region or industry unknown',
        },
      ),
      triggerRecordId: record?.id ?? null,
      deliveries: inboxDeliveries(routed),
    });
    if (res.created) {
      await this.lifecycle.record(res.alertId, ruleActor(rule), 'raised', {
        recordId: record?.id ?? null,
        deliveries: res.newDeliveries,
      });
      this.log.log(`alert ${res.alertId} ${rule.id} on entity ${entity.id}: ${res.newDeliveries} deliveries`);
    }
    await this.autoOpenCase(res.alertId, rule, entity, routed);
  }
}

// What every alert explains: the rule and its finding, why it matched, the legal basis, what triggered
// it, and every department it was routed to with the reason (or why it reached none).
function alertExplanation(
  rule: RuleDefinition,
  ev: RuleEvaluation,
  trigger: unknown,
  routed: readonly {
    departmentCode: string;
    level: string | null;
    domains: string[];
    reason: LocalizedText;
  }[],
  nowhere: LocalizedText = { zh: '未匹配到应联动的部门', en: 'no department to act' },
) {
  return {
    rule: { id: rule.id, version: rule.version, name: rule.name },
    finding: rule.finding,
    why: ev.explanation,
    conditions: ev.matchedConditions,
    legalBasis: rule.legalBasis,
    trigger,
    routing: routed.length
      ? routed.map((d) => ({
          department: d.departmentCode,
          level: d.level,
          domains: d.domains,
          reason: d.reason,
        }))
      : [{ department: null, reason: nowhere }],
  };
}

function inboxDeliveries(
  routed: readonly { departmentCode: string; level: string; reason: LocalizedText }[],
) {
  return routed.map((d) => ({
    departmentCode: d.departmentCode,
    channel: 'inbox' as const,
    level: d.level,
    reason: d.reason,
  }));
}

// Who raised or held back an alert in its event log: the rule version.
const ruleActor = (rule: RuleDefinition): string => `rule:${rule.id}@v${rule.version}`;

export function loadConfigRules(configDir: string): RuleDefinition[] {
  const dir = join(configDir, 'rules');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return loadRuleSet(
    files.map((f) => readJson(join(dir, f))),
    { profileFeatures: FEATURE_NAMES },
  );
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}
