import { addMonths, epochDay, isCalendarDate } from '@lianjian/common';
import {
  countsAsOf,
  ENTITY_STATUS,
  FEED_STATUSES,
  kindLeafFields,
  RECORD_KIND,
  RECORD_KIND_SPECS,
  RECORD_KINDS,
  RISK_CLASSES,
  SEVERITIES,
  type KindFieldSpec,
  type Vocabulary,
} from '@lianjian/domain';
import type { KindDataMap, RecordKind } from '@lianjian/domain';
import type { LocalizedText } from '@lianjian/reference';
import type { RuleEvaluationContext } from './rule-context';
import { FEED_STATUS_LABELS, RISK_CLASS_LABELS, SEVERITY_LABELS } from './vocabulary-labels';

// The field catalogue: every field a rule condition (or finding.keyFields) may name, its type, where
// it is available, and how it is read from an evaluation context.

export const RULE_FIELD_TYPES = ['string', 'number', 'boolean', 'string[]', 'date'] as const;
export type RuleFieldType = (typeof RULE_FIELD_TYPES)[number];

// record: needs a record trigger (and, with `kind`, a record of that kind); score: needs a
// class_change trigger; feed: needs a feed_health trigger; entity and profile: any trigger about an
// entity (not feed_health).
// history: any trigger about an entity; read from the entity's records (RuleEvaluationContext.history).
// delivery: needs a delivery_overdue trigger.
// case: needs a case_overdue trigger (a late joint-enforcement case task).
// publication: needs a publication_overdue trigger (a random inspection's result published late).
export type RuleFieldScope =
  'record' | 'entity' | 'profile' | 'score' | 'feed' | 'history' | 'delivery' | 'case' | 'publication';

export interface RuleFieldSpec {
  name: string;
  type: RuleFieldType;
  scope: RuleFieldScope;
  label: LocalizedText;
  kind?: RecordKind; // record.<kind>.* fields exist only on records of this kind
  vocabulary?: readonly string[]; // fixed values: condition values outside it are refused
  valueLabels?: Readonly<Record<string, LocalizedText>>;
  pattern?: RegExp; // condition values (and starts_with prefixes) must match
  patternHint?: string;
  read: (ctx: RuleEvaluationContext) => unknown;
}

export const PROFILE_FIELD_PREFIX = 'profile.';

const lt = (zh: string, en: string): LocalizedText => ({ zh, en });

type FieldInit = Omit<RuleFieldSpec, 'name'>;

function vocab(
  values: readonly string[],
  labels: Readonly<Record<string, LocalizedText>>,
): Partial<FieldInit> {
  return { vocabulary: values, valueLabels: labels };
}
const ofVocabulary = (v: Vocabulary): Partial<FieldInit> => vocab(v.values, v.labels);

const RULE_TYPE_OF = {
  text: 'string',
  enum: 'string',
  enumList: 'string[]',
  count: 'number',
  amount: 'number',
  boolean: 'boolean',
  date: 'date',
  regionCode: 'string',
  industryCode: 'string',
  texts: undefined, // a text or a list of them: no one type a condition could compare
} as const satisfies Record<Exclude<KindFieldSpec['type'], 'group'>, RuleFieldType | undefined>;

// record.<kind>.<path>: the fields each kind description offers to rules (ruleFields), read from a
// record of that kind only.
function kindFields(): Record<string, FieldInit> {
  const out: Record<string, FieldInit> = {};
  for (const kind of RECORD_KINDS) {
    const leaves = new Map(kindLeafFields(kind).map((l) => [l.path, l.field]));
    for (const path of RECORD_KIND_SPECS[kind].ruleFields) {
      const field = leaves.get(path);
      const type = field && RULE_TYPE_OF[field.type];
      if (!field || !type) throw new Error(`record kind ${kind}: ${path} cannot be a rule field`);
      const keys = path.split('.');
      out[`record.${kind}.${path}`] = {
        type,
        scope: 'record',
        kind,
        label: field.label,
        read: (ctx) => {
          const record = ctx.record;
          if (!record || record.kind !== kind) return undefined;
          let value: unknown = record.data;
          for (const key of keys)
            value =
              value !== null && typeof value === 'object'
                ? (value as Record<string, unknown>)[key]
                : undefined;
          return value;
        },
        ...(field.type === 'enum' || field.type === 'enumList' ? ofVocabulary(field.vocabulary) : {}),
      };
    }
  }
  return out;
}

const FIELD_INITS: Record<string, FieldInit> = {
  'record.kind': {
    type: 'string',
    scope: 'record',
    label: lt('记录类型', 'record kind'),
    read: (ctx) => ctx.record?.kind,
    ...ofVocabulary(RECORD_KIND),
  },
  'record.departmentCode': {
    type: 'string',
    scope: 'record',
    label: lt('报送部门', 'reporting department'),
    read: (ctx) => ctx.record?.departmentCode,
  },
  'record.occurredAt': {
    type: 'date',
    scope: 'record',
    label: lt('发生日期', 'date of the record'),
    read: (ctx) => ctx.record?.occurredAt?.slice(0, 10),
  },
  'record.source': {
    type: 'string',
    scope: 'record',
    label: lt('数据来源', 'source'),
    read: (ctx) => ctx.record?.source,
  },

  ...kindFields(),

  'entity.industryCode': {
    type: 'string',
    scope: 'entity',
    label: lt('所属行业代码', 'industry code'),
    pattern: /^[A-T]\d{0,4}$/,
    patternHint: 'a GB/T 4754-2017 code or prefix: a section letter A–T and up to 4 digits, e.g. H62',
    read: (ctx) => ctx.entity?.industryCode?.trim().toUpperCase(),
  },
  'entity.regionCode': {
    type: 'string',
    scope: 'entity',
    label: lt('所在地行政区划代码', 'region code'),
    pattern: /^\d{2}(\d{2}){0,2}$/,
    patternHint: 'a GB/T 2260 code or prefix of 2, 4 or 6 digits, e.g. 3301',
    read: (ctx) => ctx.entity?.regionCode,
  },
  'entity.entityType': {
    type: 'string',
    scope: 'entity',
    label: lt('市场主体类型', 'entity type'),
    read: (ctx) => ctx.entity?.entityType,
  },
  'entity.status': {
    type: 'string',
    scope: 'entity',
    label: lt('登记状态', 'entity status'),
    read: (ctx) => ctx.entity?.status,
    ...ofVocabulary(ENTITY_STATUS),
  },
  'entity.ageDays': {
    type: 'number',
    scope: 'entity',
    label: lt('成立天数', 'days since establishment'),
    read: (ctx) => {
      const established = epochDay(ctx.entity?.establishedOn);
      const now = epochDay(ctx.now);
      return established === undefined || now === undefined ? undefined : now - established;
    },
  },
  'entity.registeredCapital': {
    type: 'number',
    scope: 'entity',
    label: lt('注册资本（元）', 'registered capital (CNY)'),
    read: (ctx) => ctx.entity?.registeredCapital,
  },

  'score.previousClass': {
    type: 'string',
    scope: 'score',
    label: lt('原风险分类', 'previous risk class'),
    read: (ctx) => ctx.score?.previousClass,
    ...vocab(RISK_CLASSES, RISK_CLASS_LABELS),
  },
  'score.riskClass': {
    type: 'string',
    scope: 'score',
    label: lt('风险分类', 'risk class'),
    read: (ctx) => ctx.score?.riskClass,
    ...vocab(RISK_CLASSES, RISK_CLASS_LABELS),
  },
  'score.score': {
    type: 'number',
    scope: 'score',
    label: lt('风险评分', 'risk score'),
    read: (ctx) => ctx.score?.score,
  },
  'score.previousScore': {
    type: 'number',
    scope: 'score',
    label: lt('原风险评分', 'previous risk score'),
    read: (ctx) => ctx.score?.previousScore ?? undefined,
  },

  'delivery.alertId': {
    type: 'string',
    scope: 'delivery',
    label: lt('预警编号', 'alert id'),
    read: (ctx) => ctx.overdue?.alertId,
  },
  'delivery.departmentCode': {
    type: 'string',
    scope: 'delivery',
    label: lt('未签收部门', 'department that has not acknowledged'),
    read: (ctx) => ctx.overdue?.departmentCode,
  },
  'delivery.alertSeverity': {
    type: 'string',
    scope: 'delivery',
    label: lt('预警等级', 'alert severity'),
    read: (ctx) => ctx.overdue?.alertSeverity,
    ...vocab(SEVERITIES, SEVERITY_LABELS),
  },
  'delivery.alertFinding': {
    type: 'string',
    scope: 'delivery',
    label: lt('发现类型', 'finding type'),
    read: (ctx) => ctx.overdue?.alertFinding,
  },
  'delivery.alertRuleId': {
    type: 'string',
    scope: 'delivery',
    label: lt('预警规则', 'alert rule'),
    read: (ctx) => ctx.overdue?.alertRuleId,
  },
  'delivery.slaHours': {
    type: 'number',
    scope: 'delivery',
    label: lt('签收时限（小时）', 'acknowledgement SLA (hours)'),
    read: (ctx) => ctx.overdue?.slaHours,
  },
  'delivery.hoursOverdue': {
    type: 'number',
    scope: 'delivery',
    label: lt('超时小时数', 'hours past the SLA'),
    read: (ctx) => ctx.overdue?.hoursOverdue,
  },

  'case.id': {
    type: 'string',
    scope: 'case',
    label: lt('案件编号', 'case id'),
    read: (ctx) => ctx.caseTask?.caseId,
  },
  'case.type': {
    type: 'string',
    scope: 'case',
    label: lt('案件类型', 'case type'),
    read: (ctx) => ctx.caseTask?.caseType,
  },
  'case.state': {
    type: 'string',
    scope: 'case',
    label: lt('案件状态', 'case state'),
    read: (ctx) => ctx.caseTask?.caseState,
  },
  'case.department': {
    type: 'string',
    scope: 'case',
    label: lt('逾期未反馈部门', 'department late with its result'),
    read: (ctx) => ctx.caseTask?.departmentCode,
  },
  'case.lead_department': {
    type: 'string',
    scope: 'case',
    label: lt('牵头部门', 'lead department'),
    read: (ctx) => ctx.caseTask?.leadDepartment,
  },
  'case.task_state': {
    type: 'string',
    scope: 'case',
    label: lt('任务状态', 'task state'),
    read: (ctx) => ctx.caseTask?.taskState,
    vocabulary: ['pending', 'accepted'],
    valueLabels: { pending: lt('待签收', 'pending'), accepted: lt('办理中', 'accepted') },
  },
  'case.stage': {
    type: 'string',
    scope: 'case',
    label: lt('逾期处理阶段', 'overdue stage'),
    read: (ctx) => ctx.caseTask?.stage,
    vocabulary: ['reminder', 'escalation'],
    valueLabels: { reminder: lt('催办', 'reminder'), escalation: lt('督办', 'escalation') },
  },
  'case.days_overdue': {
    type: 'number',
    scope: 'case',
    label: lt('逾期天数', 'days past the due date'),
    read: (ctx) => ctx.caseTask?.daysOverdue,
  },

  'publication.plan_id': {
    type: 'string',
    scope: 'publication',
    label: lt('抽查计划编号', 'inspection plan id'),
    read: (ctx) => ctx.publication?.planId,
  },
  'publication.departments': {
    type: 'string[]',
    scope: 'publication',
    label: lt('应公示部门', 'departments that publish'),
    read: (ctx) => ctx.publication?.departmentCodes,
  },
  'publication.result': {
    type: 'string',
    scope: 'publication',
    label: lt('检查结果', 'inspection result'),
    read: (ctx) => ctx.publication?.result,
    vocabulary: ['no_issue', 'rectified', 'non_compliant', 'not_found', 'not_operating'],
    valueLabels: {
      no_issue: lt('未发现问题', 'no issue found'),
      rectified: lt('发现问题已责令整改', 'issue found, rectification ordered'),
      non_compliant: lt('发现违法违规行为', 'non-compliant'),
      not_found: lt('通过登记的住所（经营场所）无法联系', 'not found at the registered address'),
      not_operating: lt('未开业或已停业', 'not operating'),
    },
  },
  'publication.working_days_overdue': {
    type: 'number',
    scope: 'publication',
    label: lt('超过公示时限的工作日数', 'working days past the publication deadline'),
    read: (ctx) => ctx.publication?.workingDaysOverdue,
  },

  'feed.source': {
    type: 'string',
    scope: 'feed',
    label: lt('数据源', 'feed (source)'),
    read: (ctx) => ctx.feed?.source,
  },
  'feed.status': {
    type: 'string',
    scope: 'feed',
    label: lt('数据报送状况', 'feed status'),
    read: (ctx) => ctx.feed?.status,
    ...vocab(FEED_STATUSES, FEED_STATUS_LABELS),
  },
  'feed.departmentCode': {
    type: 'string',
    scope: 'feed',
    label: lt('报送部门', 'sending department'),
    read: (ctx) => ctx.feed?.departmentCode ?? undefined,
  },
  'feed.silentHours': {
    type: 'number',
    scope: 'feed',
    label: lt('距上一批次小时数', 'hours since the last batch'),
    read: (ctx) => ctx.feed?.silentHours ?? undefined,
  },
  'feed.lastBatchRows': {
    type: 'number',
    scope: 'feed',
    label: lt('最近一批行数', 'rows in the last batch'),
    read: (ctx) => ctx.feed?.lastBatchRows ?? undefined,
  },
  'feed.usualRowsPerBatch': {
    type: 'number',
    scope: 'feed',
    label: lt('通常每批行数', 'usual rows per batch'),
    read: (ctx) => ctx.feed?.usualRowsPerBatch ?? undefined,
  },
  'feed.rejectionRate7d': {
    type: 'number',
    scope: 'feed',
    label: lt('近7日退回率', 'share of rows refused in 7 days'),
    read: (ctx) => ctx.feed?.rejectionRate7d ?? undefined,
  },
};

// History (近期记录): for each record kind and window of 3, 12 or 36 months ending on the evaluation
// date, how many records there were and from how many different departments — "penalised by 2+
// different departments in 12 months" is history.penalty.departments_12m gte 2. Inspections also
// count their failures. Windows are (now − N months, now], as the scoring profile's windows are. A
// record repaired (信用修复) before `now` is not counted, as the profile does not count it either.
export const HISTORY_WINDOWS_MONTHS = [3, 12, 36] as const;
export const HISTORY_FIELD_PREFIX = 'history.';
function historyRecords(ctx: RuleEvaluationContext, kind: RecordKind, months: number) {
  if (!ctx.history) return undefined;
  const now = epochDay(ctx.now);
  if (now === undefined) return undefined;
  const start = addMonths(now, -months); // clamped to the month's end, as the profile's windows
  return ctx.history.filter((r) => {
    if (r.kind !== kind) return false;
    if (r.countsUntil && !countsAsOf(r, ctx.now)) return false;
    const day = epochDay(r.occurredAt);
    return day !== undefined && day > start && day <= now;
  });
}

for (const kind of RECORD_KINDS)
  for (const months of HISTORY_WINDOWS_MONTHS) {
    const what = RECORD_KIND_SPECS[kind].countLabel;
    FIELD_INITS[`history.${kind}.count_${months}m`] = {
      type: 'number',
      scope: 'history',
      label: lt(`近${months}个月${what.zh}次数`, `${what.en} in the last ${months} months`),
      read: (ctx) => historyRecords(ctx, kind, months)?.length,
    };
    FIELD_INITS[`history.${kind}.departments_${months}m`] = {
      type: 'number',
      scope: 'history',
      label: lt(
        `近${months}个月${what.zh}涉及部门数`,
        `departments with ${what.en} in the last ${months} months`,
      ),
      read: (ctx) => {
        const list = historyRecords(ctx, kind, months);
        return list && new Set(list.map((r) => r.departmentCode)).size;
      },
    };
    if (kind === 'inspection')
      FIELD_INITS[`history.inspection.failures_${months}m`] = {
        type: 'number',
        scope: 'history',
        label: lt(`近${months}个月检查不合格次数`, `failed inspections in the last ${months} months`),
        read: (ctx) =>
          historyRecords(ctx, 'inspection', months)?.filter(
            (r) => (r.data as KindDataMap['inspection']).result === 'fail',
          ).length,
      };
  }

export const RULE_FIELDS: readonly RuleFieldSpec[] = Object.entries(FIELD_INITS).map(([name, init]) => ({
  name,
  ...init,
}));
const FIELDS_BY_NAME = new Map(RULE_FIELDS.map((f) => [f.name, f]));

function profileField(feature: string): RuleFieldSpec {
  return {
    name: `${PROFILE_FIELD_PREFIX}${feature}`,
    type: 'number',
    scope: 'profile',
    label: lt(`画像指标 ${feature}`, `profile feature ${feature}`),
    read: (ctx) => ctx.profile?.[feature],
  };
}

// The spec of a field name. `profileFeatures` lists the allowed profile.<feature> names; without it
// (evaluation time, rules already validated) any profile feature resolves.
export function ruleField(name: string, profileFeatures?: readonly string[]): RuleFieldSpec | undefined {
  const known = FIELDS_BY_NAME.get(name);
  if (known) return known;
  if (name.startsWith(PROFILE_FIELD_PREFIX)) {
    const feature = name.slice(PROFILE_FIELD_PREFIX.length);
    if (feature === '' || (profileFeatures && !profileFeatures.includes(feature))) return undefined;
    return profileField(feature);
  }
  return undefined;
}

const NUMERIC_STRING = /^-?\d+(\.\d+)?$/;

// A field's value in a context, normalised to its type: undefined when absent or of the wrong type,
// so that comparisons on it are simply false. Numeric strings count as numbers (PostgreSQL numeric
// columns come back as strings).
export function readRuleField(name: string, ctx: RuleEvaluationContext): unknown {
  const spec = ruleField(name);
  if (!spec) return undefined;
  const raw = spec.read(ctx);
  if (raw === null || raw === undefined || raw === '') return undefined;
  switch (spec.type) {
    case 'number':
      if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
      return typeof raw === 'string' && NUMERIC_STRING.test(raw.trim()) ? Number(raw) : undefined;
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'date':
      return isCalendarDate(raw) ? raw : undefined;
    case 'string[]':
      return Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : undefined;
  }
}
