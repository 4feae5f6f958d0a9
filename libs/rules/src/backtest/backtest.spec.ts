import type { EntitySnapshot, StoredRecord } from '@lianjian/domain';
import type { RuleDefinition } from '../rule-definition.schema';
import { backtestRule, isoWeek, type BacktestEvent } from './backtest';

const entity = (id: string, regionCode = '330106'): EntitySnapshot => ({
  id,
  uscc: null,
  scheme: 'test',
  externalId: id,
  name: `entity ${id}`,
  entityType: 'company',
  regionCode,
  industryCode: 'H6210',
  establishedOn: '2015-01-01',
  registeredCapital: null,
  status: 'active',
  legalRepName: null,
  address: null,
});

const penalty = (id: string, entityId: string, at: string, decisionNo: string, fineAmount: number) =>
  ({
    id,
    source: 's',
    sourceRecordId: id,
    kind: 'penalty',
    entityId,
    departmentCode: '330106-SAMR',
    occurredAt: at,
    data: { penaltyTypes: ['fine'], fineAmount, decisionNo },
  }) as StoredRecord;

const event = (r: StoredRecord, regionCode = '330106'): BacktestEvent => ({
  at: r.occurredAt,
  subject: r.entityId,
  subjectLabel: `entity ${r.entityId}`,
  ctx: { record: r, entity: entity(r.entityId, regionCode), now: r.occurredAt },
});

const rule: RuleDefinition = {
  id: 'big-fine',
  version: 2,
  name: { zh: '大额罚款', en: 'Big fine' },
  trigger: { type: 'record', kinds: ['penalty'] },
  condition: { field: 'record.penalty.fineAmount', op: 'gte', value: 10_000 },
  severity: 'high',
  finding: {
    type: 'large_fine',
    label: { zh: '大额罚款', en: 'Large fine' },
    keyFields: ['record.penalty.decisionNo'],
  },
  legalBasis: [],
};

// County entities go to the county bureau; city entities to the city bureau and the tax office.
const route = (ev: BacktestEvent) =>
  ev.ctx.entity?.regionCode === '330100' ? ['330100-SAMR', '330100-TAX'] : ['330106-SAMR'];

describe('isoWeek', () => {
  it.each([
    ['2025-01-01', '2025-W01'],
    ['2024-12-30', '2025-W01'], // Monday of the week holding 2025's first Thursday
    ['2024-12-29', '2024-W52'],
    ['2021-01-03', '2020-W53'],
    ['2026-11-23', '2026-W48'],
  ])('%s is in %s', (date, week) => expect(isoWeek(date)).toBe(week));
});

describe('backtestRule', () => {
  it('counts alerts per department per week, deduplicating by alert key', () => {
    const events = [
      event(penalty('r1', 'e1', '2025-01-06', 'D-1', 50_000)), // W02: alert
      event(penalty('r2', 'e1', '2025-01-07', 'D-1', 50_000)), // same decision re-sent: occurrence
      event(penalty('r3', 'e2', '2025-01-08', 'D-2', 500)), // below the threshold
      event(penalty('r4', 'e3', '2025-01-14', 'D-3', 20_000), '330100'), // W03: two departments
      event(penalty('r5', 'e1', '2025-01-13', 'D-4', 20_000)), // W03: another decision, another alert
    ];
    const res = backtestRule(rule, events, { route });
    expect(res).toMatchObject({
      events: 5,
      matched: 4,
      alerts: 3,
      occurrences: 1,
      suppressed: 0,
      deliveries: 4,
      entities: 2,
      byWeek: { '2025-W02': 1, '2025-W03': 2 },
      byDepartment: { '330106-SAMR': 2, '330100-SAMR': 1, '330100-TAX': 1 },
      byDepartmentWeek: {
        '330106-SAMR': { '2025-W02': 1, '2025-W03': 1 },
        '330100-SAMR': { '2025-W03': 1 },
        '330100-TAX': { '2025-W03': 1 },
      },
    });
    // Replayed in date order whatever the input order: r5 (01-13) comes before r4 (01-14).
    expect(res.sample.map((a) => a.subject)).toEqual(['e1', 'e1', 'e3']);
    expect(res.sample[0].why.length).toBeGreaterThan(0);
  });

  it('suppresses a new alert of the same rule and entity within the cooldown', () => {
    const events = [
      event(penalty('r1', 'e1', '2025-01-06', 'D-1', 50_000)),
      event(penalty('r2', 'e1', '2025-01-20', 'D-2', 50_000)), // 14 days later
      event(penalty('r3', 'e1', '2025-02-10', 'D-3', 50_000)), // 35 days after the last alert
    ];
    expect(backtestRule({ ...rule, cooldownDays: 30 }, events, { route })).toMatchObject({
      alerts: 2,
      suppressed: 1,
    });
    expect(backtestRule(rule, events, { route })).toMatchObject({ alerts: 3, suppressed: 0 });
  });

  it('counts an alert that routes to no department as unrouted', () => {
    const res = backtestRule(rule, [event(penalty('r1', 'e1', '2025-01-06', 'D-1', 50_000))], {
      route: () => [],
    });
    expect(res).toMatchObject({ alerts: 1, unrouted: 1, deliveries: 0, busiest: null });
  });
});
