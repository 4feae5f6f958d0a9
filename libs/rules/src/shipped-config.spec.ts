import fs from 'node:fs';
import path from 'node:path';
import type { EntitySnapshot, KindDataMap, RecordKind, StoredRecord } from '@lianjian/domain';
import type { RuleEvaluationContext } from './rule-context';
import { alertKey, evaluateRule } from './rule-evaluation';
import { loadRuleSet } from './rule-set';
import { findingsWithoutRoute } from './routing/route-finding';
import { validateRoutingMatrix } from './routing/routing-matrix.schema';

// The rule set and routing matrix shipped in config/, checked as the worker will load them.

const RULES_DIR = path.join(process.cwd(), 'config/rules');
const ruleFiles = fs
  .readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const ruleJsons = ruleFiles.map(
  (f) => JSON.parse(fs.readFileSync(path.join(RULES_DIR, f), 'utf8')) as { id: string },
);
const rules = loadRuleSet(ruleJsons, { profileFeatures: [] });
const matrix = validateRoutingMatrix(
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'config/routing/joint-action-matrix.json'), 'utf8')),
);
const byId = (id: string) => {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new Error(`no shipped rule '${id}'`);
  return rule;
};

const NOW = '2025-06-02';
const entity: EntitySnapshot = {
  id: 'e-1',
  uscc: '91330106MA2CXB7KXK',
  scheme: null,
  externalId: null,
  name: '杭州某某餐饮管理有限公司',
  entityType: 'company',
  regionCode: '330106',
  industryCode: 'H6210',
  establishedOn: '2019-03-15',
  registeredCapital: 500_000,
  status: 'active',
  legalRepName: '张三',
  address: null,
};

let seq = 0;
function rec<K extends RecordKind>(
  kind: K,
  data: KindDataMap[K],
  departmentCode = '330106-SAMR',
): StoredRecord {
  seq += 1;
  return {
    id: `r-${seq}`,
    source: 's',
    sourceRecordId: `S-${seq}`,
    kind,
    entityId: entity.id,
    departmentCode,
    occurredAt: '2025-06-01',
    data,
  } as StoredRecord;
}
const withRecord = (record: StoredRecord, e: Partial<EntitySnapshot> = {}): RuleEvaluationContext => ({
  record,
  entity: { ...entity, ...e },
  now: NOW,
});
// The triggering record plus earlier records of the entity, as history.* fields see them.
const withHistory = (
  record: StoredRecord,
  earlier: [RecordKind, string, string][],
): RuleEvaluationContext => ({
  ...withRecord(record),
  history: [
    ...earlier.map(([kind, occurredAt, departmentCode]) => ({
      ...rec(
        kind,
        (kind === 'inspection' ? { result: 'pass' } : { penaltyTypes: ['fine'] }) as never,
        departmentCode,
      ),
      occurredAt,
    })),
    record,
  ],
});
const overdueCtx = (alertFinding: string): RuleEvaluationContext => ({
  entity,
  overdue: {
    alertId: '42',
    departmentCode: '330106-TAX',
    departmentRegion: '330106',
    alertSeverity: 'high',
    alertFinding,
    alertRuleId: 'r',
    slaHours: 24,
    hoursOverdue: 3,
    deliveredAt: null,
  },
  now: NOW,
});
const caseCtx = (stage: 'reminder' | 'escalation'): RuleEvaluationContext => ({
  entity,
  caseTask: {
    caseId: '7',
    caseType: 'joint_penalty',
    caseState: 'in_progress',
    caseTitle: '吊销许可证联动处置',
    departmentCode: '330106-TAX',
    departmentRegion: '330106',
    leadDepartment: '330106-SAMR',
    taskState: 'accepted',
    stage,
    dueAt: '2025-05-20T00:00:00.000Z',
    daysOverdue: stage === 'reminder' ? 1 : 6,
  },
  now: NOW,
});
const publicationCtx = (workingDaysOverdue: number): RuleEvaluationContext => ({
  entity,
  publication: {
    planId: '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    planTitle: '西湖区餐饮服务双随机抽查',
    taskId: '12',
    taskNo: 3,
    departmentCodes: ['330106-SAMR'],
    inspectedOn: '2025-04-01',
    publishDue: '2025-04-30',
    workingDaysOverdue,
    result: 'rectified',
  },
  now: NOW,
});
const listing = (list: KindDataMap['listing']['list'], action: KindDataMap['listing']['action'] = 'added') =>
  rec('listing', { list, action });
const failed = (critical: number) =>
  rec('inspection', { result: 'fail', violations: { critical, serious: 1 } });

type Case = [string, RuleEvaluationContext];
const cases: Record<string, { match: Case[]; noMatch: Case[] }> = {
  'license-revoked': {
    match: [
      [
        'revocation with a fine',
        withRecord(rec('penalty', { penaltyTypes: ['fine', 'license_revocation'], fineAmount: 20_000 })),
      ],
    ],
    noMatch: [
      ['suspension only', withRecord(rec('penalty', { penaltyTypes: ['license_suspension'] }))],
      ['a listing', withRecord(listing('serious_violation'))],
    ],
  },
  'serious-violation-listed': {
    match: [['added', withRecord(listing('serious_violation'))]],
    noMatch: [
      ['removed', withRecord(listing('serious_violation', 'removed'))],
      ['another list', withRecord(listing('abnormal_operations'))],
    ],
  },
  'court-defaulter-listed': {
    match: [['added', withRecord(listing('court_defaulter'), { industryCode: 'I6510' })]],
    noMatch: [
      ['removed', withRecord(listing('court_defaulter', 'removed'))],
      ['tax list', withRecord(listing('tax_violation'))],
    ],
  },
  'tax-violation-listed': {
    match: [['added', withRecord(listing('tax_violation'))]],
    noMatch: [
      ['removed', withRecord(listing('tax_violation', 'removed'))],
      ['court list', withRecord(listing('court_defaulter'))],
    ],
  },
  'food-critical-inspection-failure': {
    match: [
      ['restaurant', withRecord(failed(1))],
      ['food manufacturer', withRecord(failed(3), { industryCode: 'C1431' })],
      ['supermarket', withRecord(failed(1), { industryCode: 'F5212' })],
    ],
    noMatch: [
      ['no critical violation', withRecord(failed(0))],
      ['passed', withRecord(rec('inspection', { result: 'pass', violations: { critical: 1 } }))],
      ['not a food business', withRecord(failed(2), { industryCode: 'C2710' })],
      ['unknown industry', withRecord(failed(2), { industryCode: null })],
      ['violations not reported', withRecord(rec('inspection', { result: 'fail' }))],
    ],
  },
  'new-entity-abnormal-operations': {
    match: [
      [
        'established 5 months ago',
        withRecord(listing('abnormal_operations'), { establishedOn: '2025-01-02' }),
      ],
    ],
    noMatch: [
      ['established years ago', withRecord(listing('abnormal_operations'))],
      ['exactly 365 days old', withRecord(listing('abnormal_operations'), { establishedOn: '2024-06-02' })],
      ['unknown establishment date', withRecord(listing('abnormal_operations'), { establishedOn: null })],
      [
        'removed from the list',
        withRecord(listing('abnormal_operations', 'removed'), { establishedOn: '2025-01-02' }),
      ],
    ],
  },
  'multi-department-penalties': {
    match: [
      [
        'a second department within 12 months',
        withHistory(rec('penalty', { penaltyTypes: ['fine'] }, '330106-TAX'), [
          ['penalty', '2024-09-01', '330106-SAMR'],
        ]),
      ],
    ],
    noMatch: [
      [
        'the same department twice',
        withHistory(rec('penalty', { penaltyTypes: ['fine'] }), [['penalty', '2024-09-01', '330106-SAMR']]),
      ],
      [
        'the other department more than 12 months ago',
        withHistory(rec('penalty', { penaltyTypes: ['fine'] }, '330106-TAX'), [
          ['penalty', '2024-06-02', '330106-SAMR'],
        ]),
      ],
      [
        'another department, but an inspection',
        withHistory(rec('penalty', { penaltyTypes: ['fine'] }, '330106-TAX'), [
          ['inspection', '2025-01-01', '330106-SAMR'],
        ]),
      ],
    ],
  },
  'school-canteen-food-inspection-failure': {
    match: [
      [
        'a kindergarten canteen',
        withRecord(rec('inspection', { result: 'fail', matter: '学校食堂食品安全检查' }), {
          industryCode: 'P8310',
        }),
      ],
    ],
    noMatch: [
      ['a restaurant', withRecord(rec('inspection', { result: 'fail', matter: '餐饮服务食品安全监督检查' }))],
      [
        'a school inspected for something else',
        withRecord(rec('inspection', { result: 'fail', matter: '幼儿园办园行为检查' }), {
          industryCode: 'P8310',
        }),
      ],
      [
        'a school canteen that passed',
        withRecord(rec('inspection', { result: 'pass', matter: '学校食堂食品安全检查' }), {
          industryCode: 'P8310',
        }),
      ],
    ],
  },
  'unacknowledged-alert-escalation': {
    match: [['a late delivery of a food alert', overdueCtx('critical_inspection_failure')]],
    noMatch: [
      ['a late escalation (never escalated again)', overdueCtx('unacknowledged_alert')],
      ['a late case-task reminder (the case follow-up handles it)', overdueCtx('case_task_overdue')],
      ['no overdue delivery', withRecord(failed(1))],
    ],
  },
  'case-task-overdue': {
    match: [
      ['a late task, first look (reminder)', caseCtx('reminder')],
      ['still late after the grace period (escalation)', caseCtx('escalation')],
    ],
    noMatch: [
      ['a late delivery, not a case task', overdueCtx('critical_inspection_failure')],
      ['a record', withRecord(failed(1))],
    ],
  },
  'random-inspection-non-compliant': {
    match: [
      ['a non-compliant random inspection result', withRecord({ ...failed(0), source: 'random-inspection' })],
    ],
    noMatch: [
      ['a failed inspection sent by a department (not a random one)', withRecord(failed(0))],
      [
        'a rectified random inspection result',
        withRecord({ ...rec('inspection', { result: 'rectified' }), source: 'random-inspection' }),
      ],
    ],
  },
  'random-inspection-result-unpublished': {
    match: [['a result one working day past its deadline', publicationCtx(1)]],
    noMatch: [
      ['a result on its last day (the check only reports late ones; 0 past)', publicationCtx(0)],
      ['a late case task, not a publication', caseCtx('reminder')],
      ['a record', withRecord(failed(1))],
    ],
  },
  'large-fine': {
    match: [
      [
        'exactly 500,000',
        withRecord(rec('penalty', { penaltyTypes: ['fine'], fineAmount: 500_000, decisionNo: 'A-1' })),
      ],
      [
        'fine as a numeric string',
        withRecord(rec('penalty', { penaltyTypes: ['fine'], fineAmount: '1200000.00' as never })),
      ],
    ],
    noMatch: [
      ['499,999.99', withRecord(rec('penalty', { penaltyTypes: ['fine'], fineAmount: 499_999.99 }))],
      ['no amount', withRecord(rec('penalty', { penaltyTypes: ['warning'] }))],
    ],
  },
  'risk-class-raised-to-d': {
    match: [['B to D', { entity, now: NOW, score: { previousClass: 'B', riskClass: 'D', score: 88 } }]],
    noMatch: [
      [
        'first score, straight to D',
        { entity, now: NOW, score: { previousClass: null, riskClass: 'D', score: 88 } },
      ],
      ['stays D', { entity, now: NOW, score: { previousClass: 'D', riskClass: 'D', score: 90 } }],
      ['B to C', { entity, now: NOW, score: { previousClass: 'B', riskClass: 'C', score: 70 } }],
      ['a record, no score', withRecord(listing('serious_violation'))],
    ],
  },
  'feed-interrupted': {
    match: [
      ['a stalled feed', { now: NOW, feed: feed('stalled') }],
      ['an empty feed', { now: NOW, feed: feed('empty') }],
    ],
    noMatch: [
      ['a feed as usual', { now: NOW, feed: feed('ok') }],
      ['a feed with many rows refused', { now: NOW, feed: feed('degraded') }],
      ['an entity, no feed', withRecord(listing('serious_violation'))],
    ],
  },
};

function feed(status: string) {
  return {
    source: 'samr-gbk-inspections',
    status,
    departmentCode: '330000-SAMR',
    silentHours: 100,
    lastBatchRows: 0,
    usualRowsPerBatch: 1000,
    rejectionRate7d: 0.3,
    message: { zh: '说明', en: 'message' },
  };
}

describe('shipped rules (config/rules)', () => {
  it('load, one file per rule named after its id, each at its shipped version', () => {
    expect(rules).toHaveLength(ruleFiles.length);
    for (const [i, file] of ruleFiles.entries()) expect(file).toBe(`${ruleJsons[i].id}.json`);
    // A change to a shipped rule is a new version (a published version never changes).
    const changed: Record<string, number> = { 'unacknowledged-alert-escalation': 2 };
    for (const r of rules) expect([r.id, r.version]).toEqual([r.id, changed[r.id] ?? 1]);
    expect(Object.keys(cases).sort()).toEqual(rules.map((r) => r.id).sort());
  });

  it('have the required severities', () => {
    expect(Object.fromEntries(rules.map((r) => [r.id, r.severity]))).toEqual({
      'license-revoked': 'critical',
      'serious-violation-listed': 'critical',
      'court-defaulter-listed': 'high',
      'tax-violation-listed': 'high',
      'food-critical-inspection-failure': 'high',
      'new-entity-abnormal-operations': 'medium',
      'large-fine': 'high',
      'multi-department-penalties': 'high',
      'school-canteen-food-inspection-failure': 'high',
      'risk-class-raised-to-d': 'medium',
      'unacknowledged-alert-escalation': 'medium',
      'feed-interrupted': 'medium',
      'case-task-overdue': 'medium',
      'random-inspection-result-unpublished': 'medium',
      'random-inspection-non-compliant': 'high',
    });
  });

  for (const [id, { match, noMatch }] of Object.entries(cases)) {
    describe(id, () => {
      it.each(match)('matches: %s', (_label, ctx) => {
        const result = evaluateRule(byId(id), ctx);
        expect(result.matched).toBe(true);
        expect(result.matchedConditions.length).toBeGreaterThan(0);
        expect(result.explanation.every((t) => t.zh && t.en)).toBe(true);
      });
      it.each(noMatch)('does not match: %s', (_label, ctx) => {
        expect(evaluateRule(byId(id), ctx).matched).toBe(false);
      });
    });
  }

  it('key alerts so that a re-sent or second-department record updates the same alert', () => {
    const revoked = byId('license-revoked');
    const first = withRecord(rec('penalty', { penaltyTypes: ['license_revocation'], decisionNo: 'A-1' }));
    const fromCourt = withRecord(
      rec('penalty', { penaltyTypes: ['license_revocation'], decisionNo: 'A-1' }, '330100-COURT'),
    );
    expect(alertKey(revoked, 'e-1', fromCourt)).toBe(alertKey(revoked, 'e-1', first));
    // Large fines are told apart by decision number.
    const fine = byId('large-fine');
    const fineA = withRecord(
      rec('penalty', { penaltyTypes: ['fine'], fineAmount: 600_000, decisionNo: 'A-1' }),
    );
    const fineB = withRecord(
      rec('penalty', { penaltyTypes: ['fine'], fineAmount: 700_000, decisionNo: 'A-2' }),
    );
    expect(alertKey(fine, 'e-1', fineA)).toBe('large-fine|e-1|large_fine|A-1');
    expect(alertKey(fine, 'e-1', fineB)).not.toBe(alertKey(fine, 'e-1', fineA));
  });

  it('cite at least one legal provision, bilingually', () => {
    for (const rule of rules) {
      expect(rule.legalBasis.length).toBeGreaterThan(0);
      for (const basis of rule.legalBasis) expect(basis.zh).toMatch(/^《.+》/);
    }
  });
});

describe('shipped routing matrix (config/routing)', () => {
  it('has a row for every finding the shipped rules raise', () => {
    expect(findingsWithoutRoute(rules, matrix)).toEqual([]);
  });

  it('has the joint-action rows the product promises', () => {
    expect(matrix.findings.map((f) => f.finding)).toEqual(
      expect.arrayContaining([
        'license_revoked',
        'serious_violation_listed',
        'court_defaulter_listed',
        'tax_violation_listed',
        'critical_inspection_failure',
        'repeat_penalties',
        'newly_established_abnormal',
        'large_fine',
      ]),
    );
    for (const row of matrix.findings) expect(row.memorandum.zh).toMatch(/^《.+》/);
  });
});
