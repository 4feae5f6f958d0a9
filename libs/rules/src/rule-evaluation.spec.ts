import type { EntitySnapshot, KindDataMap, RecordKind, StoredRecord } from '@lianjian/domain';
import type { RuleEvaluationContext } from './rule-context';
import type { Condition, RuleDefinition, RuleTrigger } from './rule-definition.schema';
import {
  alertKey,
  compare,
  evaluateRule,
  scoreTriggerMatches,
  triggerMatches,
  usesHistory,
} from './rule-evaluation';
import { readRuleField } from './rule-fields';

const entity: EntitySnapshot = {
  id: 'e-1',
  uscc: '91330106MA2CXB7KXK',
  scheme: null,
  externalId: null,
  name: '杭州某某餐饮管理有限公司',
  entityType: 'company',
  regionCode: '330106',
  industryCode: 'H6210',
  establishedOn: '2025-01-10',
  registeredCapital: 1_000_000,
  status: 'active',
  legalRepName: '张三',
  address: '杭州市西湖区文三路1号',
};

function record<K extends RecordKind>(
  kind: K,
  data: KindDataMap[K],
  extra: Partial<StoredRecord> = {},
): StoredRecord {
  return {
    id: 'r-1',
    source: 'samr-330106',
    sourceRecordId: 'SAMR-330106-2025-000123',
    kind,
    entityId: entity.id,
    departmentCode: '330106-SAMR',
    occurredAt: '2025-06-01',
    data,
    ...extra,
  } as StoredRecord;
}

function ruleWith(
  condition: Condition,
  trigger: RuleTrigger = { type: 'record', kinds: ['penalty'] },
): RuleDefinition {
  return {
    id: 'r',
    version: 1,
    name: { zh: '规则', en: 'rule' },
    trigger,
    condition,
    severity: 'high',
    finding: { type: 'f', label: { zh: 'f', en: 'f' } },
    legalBasis: [{ zh: 'x', en: 'x' }],
  };
}

const penalty = record('penalty', {
  penaltyTypes: ['fine', 'license_revocation'],
  fineAmount: 800_000,
  decisionNo: '杭西市监罚〔2025〕123号',
  violationType: 'food_safety',
});
const ctx: RuleEvaluationContext = {
  record: penalty,
  entity,
  now: '2025-06-02',
  profile: { penalties_365d: 3 },
};

describe('compare', () => {
  it.each([
    ['eq', 'a', 'a', true],
    ['eq', 'a', 'b', false],
    ['ne', 'a', 'b', true],
    ['in', 'a', ['a', 'b'], true],
    ['not_in', 'a', ['a', 'b'], false],
    ['not_in', 'c', ['a', 'b'], true],
    ['contains', ['x', 'y'], 'y', true],
    ['contains', 'food_safety', 'food', true],
    ['contains_any', ['x', 'y'], ['z', 'y'], true],
    ['contains_any', ['x'], ['z'], false],
    ['gt', 5, 4, true],
    ['gte', 5, 5, true],
    ['lt', 5, 5, false],
    ['lte', 5, 5, true],
    ['gt', '2025-06-01', '2025-05-31', true],
    ['lt', '2025-06-01', '2025-05-31', false],
    ['starts_with', 'H6210', ['C14', 'H62'], true],
    ['starts_with', 'H6110', 'H62', false],
    ['exists', 0, undefined, true],
    ['exists', 0, false, false],
  ] as const)('%s(%j, %j) is %s', (op, actual, value, expected) => {
    expect(compare(op, actual, value as never)).toBe(expected);
  });

  it('makes every comparison on a missing value false, except exists: false', () => {
    for (const op of [
      'eq',
      'ne',
      'in',
      'not_in',
      'contains',
      'contains_any',
      'gt',
      'gte',
      'lt',
      'lte',
      'starts_with',
    ] as const)
      expect(compare(op, undefined, op.endsWith('in') || op === 'contains_any' ? ['a'] : 'a')).toBe(false);
    expect(compare('exists', undefined, undefined)).toBe(false);
    expect(compare('exists', undefined, false)).toBe(true);
  });

  it('does not compare across types', () => {
    expect(compare('gt', '10', 5)).toBe(false);
    expect(compare('eq', ['a'], 'a')).toBe(false);
    expect(compare('gt', 'not a date', '2025-01-01')).toBe(false);
  });
});

describe('readRuleField', () => {
  it('reads record, entity, profile and score fields', () => {
    expect(readRuleField('record.penalty.fineAmount', ctx)).toBe(800_000);
    expect(readRuleField('record.kind', ctx)).toBe('penalty');
    expect(readRuleField('entity.industryCode', ctx)).toBe('H6210');
    expect(readRuleField('entity.ageDays', ctx)).toBe(143);
    expect(readRuleField('profile.penalties_365d', ctx)).toBe(3);
    expect(
      readRuleField('score.riskClass', { ...ctx, score: { previousClass: 'B', riskClass: 'D', score: 91 } }),
    ).toBe('D');
  });

  it('reads a field of another kind, absent data and bad types as missing', () => {
    expect(readRuleField('record.listing.list', ctx)).toBeUndefined();
    expect(
      readRuleField('entity.ageDays', { ...ctx, entity: { ...entity, establishedOn: null } }),
    ).toBeUndefined();
    expect(
      readRuleField('record.penalty.fineAmount', {
        ...ctx,
        record: record('penalty', { penaltyTypes: ['fine'], fineAmount: 'lots' as never }),
      }),
    ).toBeUndefined();
    expect(readRuleField('nonsense.field', ctx)).toBeUndefined();
  });

  it('takes numeric strings (PostgreSQL numeric) as numbers and the date part of date-times', () => {
    const fromDb = record(
      'penalty',
      { penaltyTypes: ['fine'], fineAmount: '500000.00' as never },
      { occurredAt: '2025-06-01T09:30:00+08:00' },
    );
    expect(readRuleField('record.penalty.fineAmount', { ...ctx, record: fromDb })).toBe(500_000);
    expect(readRuleField('record.occurredAt', { ...ctx, record: fromDb })).toBe('2025-06-01');
  });
});

describe('evaluateRule', () => {
  it('matches and explains the leaf conditions that held', () => {
    const result = evaluateRule(
      ruleWith({
        all: [
          { field: 'record.penalty.penaltyTypes', op: 'contains', value: 'license_revocation' },
          { field: 'record.penalty.fineAmount', op: 'gte', value: 500_000 },
        ],
      }),
      ctx,
    );
    expect(result.matched).toBe(true);
    expect(result.matchedConditions).toEqual([
      "record.penalty.penaltyTypes contains 'license_revocation' (actual: ['fine', 'license_revocation'])",
      'record.penalty.fineAmount gte 500000 (actual: 800000)',
    ]);
    expect(result.explanation[0]).toEqual({
      zh: '处罚种类包含“吊销许可证件”（实际：罚款、吊销许可证件）',
      en: 'penalty types includes licence revocation (actual: fine, licence revocation)',
    });
    expect(result.explanation[1].zh).toBe('罚款金额（元）不低于500000（实际：800000）');
  });

  it('lists every branch of an any that held, and explains a not', () => {
    const result = evaluateRule(
      ruleWith({
        all: [
          {
            any: [
              { field: 'record.penalty.fineAmount', op: 'gt', value: 100 },
              { field: 'record.penalty.fineAmount', op: 'lt', value: 100 },
              { field: 'profile.penalties_365d', op: 'gte', value: 3 },
            ],
          },
          { not: { field: 'entity.status', op: 'eq', value: 'revoked' } },
        ],
      }),
      ctx,
    );
    expect(result.matched).toBe(true);
    expect(result.matchedConditions).toEqual([
      'record.penalty.fineAmount gt 100 (actual: 800000)',
      'profile.penalties_365d gte 3 (actual: 3)',
      "not (entity.status eq 'revoked')",
    ]);
    expect(result.explanation[2]).toEqual({
      zh: '并非：登记状态为“吊销营业执照”',
      en: 'not: entity status is business licence revoked',
    });
  });

  it('does not match, and explains nothing, when the condition fails', () => {
    const result = evaluateRule(
      ruleWith({
        all: [
          { field: 'record.penalty.fineAmount', op: 'gt', value: 1 },
          { field: 'record.penalty.fineAmount', op: 'gt', value: 1e9 },
        ],
      }),
      ctx,
    );
    expect(result).toEqual({ matched: false, matchedConditions: [], explanation: [] });
  });

  it('requires the trigger: record kind', () => {
    const inspection = record('inspection', { result: 'fail', violations: { critical: 2 } });
    expect(evaluateRule(ruleWith({ always: true }), { ...ctx, record: inspection }).matched).toBe(false);
    expect(evaluateRule(ruleWith({ always: true }), { ...ctx, record: undefined }).matched).toBe(false);
    expect(evaluateRule(ruleWith({ always: true }), ctx)).toEqual({
      matched: true,
      matchedConditions: [],
      explanation: [],
    });
  });

  it('requires the trigger: a class change, into one of `to` when given', () => {
    const trigger: RuleTrigger = { type: 'class_change', to: ['C', 'D'] };
    const at = (previousClass: string | null | undefined, riskClass: string) => ({
      ...ctx,
      record: undefined,
      score: { previousClass, riskClass, score: 80 },
    });
    expect(triggerMatches(trigger, at('B', 'D'))).toBe(true);
    expect(triggerMatches(trigger, at('D', 'D'))).toBe(false);
    expect(triggerMatches(trigger, at('D', 'B'))).toBe(false);
    expect(triggerMatches(trigger, at(null, 'D'))).toBe(true); // a first score counts as a change
    expect(triggerMatches(trigger, at(undefined, 'C'))).toBe(true);
    expect(triggerMatches({ type: 'class_change' }, at('D', 'A'))).toBe(true);
    expect(triggerMatches(trigger, ctx)).toBe(false); // no score
  });

  it('requires the trigger: a feed in one of `statuses` (default stalled or empty), never an entity', () => {
    const feed = (status: string) => ({
      now: '2025-06-02',
      feed: {
        source: 'samr-gbk-inspections',
        status,
        departmentCode: '330000-SAMR',
        silentHours: 80,
        lastBatchRows: 10,
        usualRowsPerBatch: 10,
        rejectionRate7d: 0.5,
        message: { zh: 'x', en: 'x' },
      },
    });
    expect(triggerMatches({ type: 'feed_health' }, feed('stalled'))).toBe(true);
    expect(triggerMatches({ type: 'feed_health' }, feed('empty'))).toBe(true);
    expect(triggerMatches({ type: 'feed_health' }, feed('degraded'))).toBe(false);
    expect(triggerMatches({ type: 'feed_health', statuses: ['degraded'] }, feed('degraded'))).toBe(true);
    expect(triggerMatches({ type: 'feed_health' }, ctx)).toBe(false); // an entity, no feed
    expect(triggerMatches({ type: 'record', kinds: ['penalty'] }, feed('stalled'))).toBe(false);
    const degraded = ruleWith(
      { field: 'feed.rejectionRate7d', op: 'gt', value: 0.2 },
      { type: 'feed_health', statuses: ['degraded'] },
    );
    expect(evaluateRule(degraded, feed('degraded')).matched).toBe(true);
  });

  it('treats an unknown field in an unvalidated rule as missing, not as an error', () => {
    expect(evaluateRule(ruleWith({ field: 'record.penalty.fine', op: 'gt', value: 1 }), ctx).matched).toBe(
      false,
    );
  });
});

describe('alertKey', () => {
  const plain = ruleWith({ always: true });
  const keyed: RuleDefinition = {
    ...plain,
    id: 'large-fine',
    finding: { type: 'large_fine', label: { zh: 'x', en: 'x' }, keyFields: ['record.penalty.decisionNo'] },
  };

  it('is rule|entity|finding|key values, without the rule version', () => {
    expect(alertKey(plain, 'e-1', ctx)).toBe('r|e-1|f|');
    expect(alertKey({ ...plain, version: 7 } as RuleDefinition, 'e-1', ctx)).toBe(
      alertKey(plain, 'e-1', ctx),
    );
    expect(alertKey(keyed, 'e-1', ctx)).toBe('large-fine|e-1|large_fine|杭西市监罚〔2025〕123号');
  });

  it('is the same for the same finding re-sent or reported by a second department', () => {
    const resent = record(
      'penalty',
      { ...(penalty.data as KindDataMap['penalty']) },
      { id: 'r-2', occurredAt: '2025-06-03' },
    );
    const second = record(
      'penalty',
      { ...(penalty.data as KindDataMap['penalty']) },
      { id: 'r-3', source: 'court', departmentCode: '330100-COURT', sourceRecordId: 'C-1' },
    );
    for (const r of [plain, keyed]) {
      expect(alertKey(r, 'e-1', { ...ctx, record: resent })).toBe(alertKey(r, 'e-1', ctx));
      expect(alertKey(r, 'e-1', { ...ctx, record: second })).toBe(alertKey(r, 'e-1', ctx));
    }
  });

  it('differs by decision number when keyFields name it, and by entity', () => {
    const other = record('penalty', {
      penaltyTypes: ['fine'],
      fineAmount: 600_000,
      decisionNo: '杭西市监罚〔2025〕200号',
    });
    expect(alertKey(keyed, 'e-1', { ...ctx, record: other })).not.toBe(alertKey(keyed, 'e-1', ctx));
    expect(alertKey(plain, 'e-1', { ...ctx, record: other })).toBe(alertKey(plain, 'e-1', ctx));
    expect(alertKey(plain, 'e-2', ctx)).not.toBe(alertKey(plain, 'e-1', ctx));
  });

  it('escapes the separator and orders list values', () => {
    const twoKeys: RuleDefinition = {
      ...plain,
      finding: {
        type: 'f',
        label: { zh: 'x', en: 'x' },
        keyFields: ['record.penalty.decisionNo', 'record.penalty.penaltyTypes'],
      },
    };
    const a = record('penalty', { penaltyTypes: ['license_revocation', 'fine'], decisionNo: 'A|B' });
    const b = record('penalty', { penaltyTypes: ['fine', 'license_revocation'], decisionNo: 'A|B' });
    expect(alertKey(twoKeys, 'e-1', { ...ctx, record: a })).toBe('r|e-1|f|A\\|B|fine,license_revocation');
    expect(alertKey(twoKeys, 'e-1', { ...ctx, record: b })).toBe(
      alertKey(twoKeys, 'e-1', { ...ctx, record: a }),
    );
  });
});

describe('history fields (counts in windows, across departments)', () => {
  const penalty = (id: string, occurredAt: string, departmentCode: string) =>
    record('penalty', { penaltyTypes: ['fine'] }, { id, occurredAt, departmentCode });
  const history = [
    penalty('p1', '2024-06-01', '330106-SAMR'), // outside 12 months of 2025-06-01
    penalty('p2', '2024-06-02', '330106-TAX'), // first day inside: the window is (2024-06-01, 2025-06-01]
    penalty('p3', '2025-03-02', '330106-TAX'), // inside 3 months: (2025-03-01, 2025-06-01]
    penalty('p3b', '2025-03-01', '330106-TAX'), // on the 3-month boundary: outside
    penalty('p4', '2025-05-30', '330106-ENV'),
    penalty('p5', '2025-06-02', '330106-HEALTH'), // after the evaluation date: not known yet
    record('inspection', { result: 'fail' }, { id: 'i1', occurredAt: '2025-05-01' }),
    record('inspection', { result: 'pass' }, { id: 'i2', occurredAt: '2025-05-15' }),
  ];
  const ctx: RuleEvaluationContext = { entity, history, now: '2025-06-01' };

  it('counts records and distinct departments of a kind in (now − N months, now]', () => {
    expect(readRuleField('history.penalty.count_12m', ctx)).toBe(4);
    expect(readRuleField('history.penalty.departments_12m', ctx)).toBe(2);
    expect(readRuleField('history.penalty.count_3m', ctx)).toBe(2);
    expect(readRuleField('history.penalty.count_36m', ctx)).toBe(5);
    expect(readRuleField('history.inspection.count_3m', ctx)).toBe(2);
    expect(readRuleField('history.inspection.failures_3m', ctx)).toBe(1);
    expect(readRuleField('history.complaint.count_12m', ctx)).toBe(0);
  });

  it('leaves out records repaired (信用修复) before the evaluation date, and counts them before it', () => {
    const repaired = history.map((r) => (r.id === 'p4' ? { ...r, countsUntil: '2025-06-01' } : r));
    expect(readRuleField('history.penalty.count_12m', { ...ctx, history: repaired })).toBe(3);
    expect(readRuleField('history.penalty.departments_12m', { ...ctx, history: repaired })).toBe(1);
    // The day before: p4 counts (and the window now starts a day earlier, taking in p1).
    expect(readRuleField('history.penalty.count_12m', { ...ctx, history: repaired, now: '2025-05-31' })).toBe(
      5,
    );
  });

  it('is missing (so every comparison is false) when no history was loaded', () => {
    expect(readRuleField('history.penalty.count_12m', { entity, now: '2025-06-01' })).toBeUndefined();
  });

  it('matches "penalised by 2+ different departments in 12 months", and says the rule needs history', () => {
    const rule: RuleDefinition = {
      id: 'multi-department-penalties',
      version: 1,
      name: { zh: '多部门处罚', en: 'Penalised by several departments' },
      trigger: { type: 'record', kinds: ['penalty'] },
      condition: { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
      severity: 'high',
      finding: { type: 'multi_department_penalties', label: { zh: '多部门处罚', en: 'multi-department' } },
      legalBasis: [],
    };
    const r = penalty('p4', '2025-05-30', '330106-ENV');
    expect(usesHistory(rule)).toBe(true);
    expect(evaluateRule(rule, { ...ctx, record: r }).matched).toBe(true);
    expect(evaluateRule(rule, { ...ctx, record: r, history: history.slice(0, 2) }).matched).toBe(false);
    expect(usesHistory({ ...rule, condition: { always: true } })).toBe(false);
  });
});

describe('score_crosses trigger', () => {
  const up = { type: 'score_crosses', above: 80 } as const;
  const down = { type: 'score_crosses', below: 40 } as const;
  const change = (previousScore: number | null, score: number) => ({
    previousClass: 'B',
    riskClass: 'B',
    previousScore,
    score,
  });

  it('fires when the score rises to the line or beyond, not when it was there already', () => {
    expect(scoreTriggerMatches(up, change(79.9, 80))).toBe(true);
    expect(scoreTriggerMatches(up, change(60, 95))).toBe(true);
    expect(scoreTriggerMatches(up, change(80, 85))).toBe(false);
    expect(scoreTriggerMatches(up, change(85, 70))).toBe(false);
  });

  it('fires when the score falls to the line or below', () => {
    expect(scoreTriggerMatches(down, change(41, 40))).toBe(true);
    expect(scoreTriggerMatches(down, change(40, 30))).toBe(false);
    expect(scoreTriggerMatches({ type: 'score_crosses', above: 80, below: 40 }, change(50, 39))).toBe(true);
  });

  it('needs a previous score, and an entity for the rule to match', () => {
    expect(scoreTriggerMatches(up, change(null, 90))).toBe(false);
    expect(triggerMatches(up, { score: change(70, 90), now: '2025-06-01' })).toBe(false);
    expect(triggerMatches(up, { entity, score: change(70, 90), now: '2025-06-01' })).toBe(true);
  });
});
