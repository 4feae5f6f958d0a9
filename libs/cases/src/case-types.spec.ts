import fs from 'node:fs';
import path from 'node:path';
import {
  autoOpenCaseType,
  caseTypeForFindings,
  daysOverdue,
  dispatchDueAt,
  feedbackDueAt,
  loadCaseTypes,
  parseCaseTypes,
  pickLeadDepartment,
  validateCaseTypes,
} from './case-types';
import { caseReportSchema, feedbackRecord, feedbackSourceRecordId } from './case-feedback';

const shipped = JSON.parse(
  fs.readFileSync(path.join(process.cwd(), 'config/cases/case-types.json'), 'utf8'),
) as { types: Record<string, unknown>[] };
const config = loadCaseTypes(path.join(process.cwd(), 'config'));

describe('case types (config/cases/case-types.json)', () => {
  it('loads the shipped file with labels in Chinese and English', () => {
    expect(config.types.map((t) => t.id)).toEqual([
      'food_safety',
      'serious_violation',
      'joint_penalty',
      'general',
    ]);
    for (const t of config.types) {
      expect(t.label.zh).toBeTruthy();
      expect(t.label.en).toBeTruthy();
      expect(t.feedbackDays).toBeGreaterThan(0);
    }
  });

  it('picks a type by finding, falling back to the general type', () => {
    expect(caseTypeForFindings(config, ['license_revoked']).id).toBe('joint_penalty');
    expect(caseTypeForFindings(config, ['something_new', 'serious_violation_listed']).id).toBe(
      'serious_violation',
    );
    expect(caseTypeForFindings(config, ['something_new']).id).toBe('general');
  });

  it('opens a case automatically only for the configured severities', () => {
    expect(
      autoOpenCaseType(config, { findingType: 'serious_violation_listed', severity: 'critical' })?.id,
    ).toBe('serious_violation');
    expect(
      autoOpenCaseType(config, { findingType: 'serious_violation_listed', severity: 'high' }),
    ).toBeUndefined();
    expect(
      autoOpenCaseType(config, { findingType: 'license_revoked', severity: 'critical' }),
    ).toBeUndefined();
  });

  it('computes due dates in calendar days and whole days overdue', () => {
    const food = config.types[0];
    const opened = new Date('2025-06-01T10:00:00+08:00');
    expect(dispatchDueAt(food, opened).toISOString()).toBe('2025-06-02T02:00:00.000Z');
    expect(feedbackDueAt(food, opened).toISOString()).toBe('2025-06-06T02:00:00.000Z');
    const due = feedbackDueAt(food, opened);
    expect(daysOverdue(due, new Date(due.getTime() - 1000))).toBe(0);
    expect(daysOverdue(due, new Date(due.getTime() + 2.5 * 86_400_000))).toBe(2);
  });

  it('picks the lead department among the routed ones by domain, else the first', () => {
    const routed = [
      { code: '330106-TAX', domains: ['tax'] },
      { code: '330106-SAMR', domains: ['market_regulation', 'food_safety'] },
    ];
    expect(pickLeadDepartment(routed, ['food_safety'])).toBe('330106-SAMR');
    expect(pickLeadDepartment(routed, ['environment'])).toBe('330106-TAX');
    expect(pickLeadDepartment([], ['tax'])).toBeUndefined();
  });
});

describe('case type validation', () => {
  const type = (over: Record<string, unknown> = {}) => ({
    id: 'x',
    label: { zh: '甲', en: 'x' },
    findings: [],
    dispatchDays: 1,
    feedbackDays: 5,
    escalateAfterDays: 1,
    ...over,
  });

  it('names every problem with its path', () => {
    const v = validateCaseTypes({
      types: [
        type({ id: 'Food', feedbackDays: 0, autoOpen: { severities: ['urgent'], leadDomain: 'space' } }),
        type({ label: { zh: '' }, dispatchDays: 1.5 }),
      ],
      extra: true,
    });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toEqual(
      expect.arrayContaining([
        'types[0].id: case type id must be snake_case ([a-z][a-z0-9_]*)',
        'types[0].feedbackDays: feedbackDays must be at least 1',
        'types[0].autoOpen.severities[0]: unknown severity "urgent" (expected one of low, medium, high, critical)',
        expect.stringMatching(/^types\[0\]\.autoOpen\.leadDomain: unknown domain "space"/),
        'types[1].label.zh: zh text is required',
        'types[1].label.en: is required',
        'types[1].dispatchDays: dispatchDays must be a whole number of days',
        '(root): unknown field(s) extra',
      ]),
    );
  });

  it('refuses duplicate ids, a finding claimed twice, and a missing or second fallback', () => {
    const v = validateCaseTypes({
      types: [type({ findings: ['large_fine'] }), type({ findings: ['large_fine'] }), type({ id: 'y' })],
    });
    expect(v).toEqual({
      ok: false,
      errors: [
        "types[1].id: 'x' is defined twice (also types[0])",
        'types: one type must be the fallback (fallback: true) for findings no type lists',
      ],
    });
    const two = validateCaseTypes({ types: [type({ fallback: true }), type({ id: 'y', fallback: true })] });
    expect(!two.ok && two.errors).toEqual([
      'types: exactly one type may be the fallback (fallback: true), found x, y',
    ]);
    const claimed = validateCaseTypes({
      types: [type({ findings: ['a'], fallback: true }), type({ id: 'y', findings: ['a'] })],
    });
    expect(!claimed.ok && claimed.errors).toEqual([
      "types[1].findings[0]: 'a' already makes a case of type 'x'",
    ]);
  });

  it('throws one error listing the problems of a file', () => {
    expect(() => parseCaseTypes({ types: [] }, 'config/cases/case-types.json')).toThrow(
      'invalid config/cases/case-types.json:\n  - types: defines no case type',
    );
    expect(() => parseCaseTypes(shipped)).not.toThrow();
  });
});

describe('case feedback', () => {
  const entity = { uscc: '91330106MA2CXB7KXK' };
  it('turns a penalty or an inspection into a record of the department', () => {
    const report = caseReportSchema.parse({
      verified: true,
      actionTaken: '立案查处',
      penalty: { penaltyTypes: ['fine'], fineAmount: 30000, decisionNo: '杭西税罚〔2025〕1号' },
    });
    expect(
      feedbackRecord({
        caseId: '12',
        round: 1,
        departmentCode: '330106-TAX',
        entity,
        report,
        today: '2025-06-03',
      }),
    ).toEqual({
      sourceRecordId: 'CASE-12-330106-TAX',
      kind: 'penalty',
      entity,
      departmentCode: '330106-TAX',
      occurredAt: '2025-06-03',
      penalty: { penaltyTypes: ['fine'], fineAmount: 30000, decisionNo: '杭西税罚〔2025〕1号' },
    });
    const inspected = caseReportSchema.parse({
      verified: false,
      actionTaken: '现场核查未发现问题',
      inspection: { result: 'pass' },
      occurredAt: '2025-06-02',
    });
    expect(
      feedbackRecord({
        caseId: '12',
        round: 2,
        departmentCode: '330106-SAMR',
        entity,
        report: inspected,
        today: '2025-06-03',
      }),
    ).toMatchObject({
      sourceRecordId: 'CASE-12-330106-SAMR-R2',
      kind: 'inspection',
      occurredAt: '2025-06-02',
    });
    const plain = caseReportSchema.parse({ verified: true, actionTaken: '已约谈' });
    expect(
      feedbackRecord({
        caseId: '1',
        round: 1,
        departmentCode: 'D',
        entity,
        report: plain,
        today: '2025-06-03',
      }),
    ).toBeUndefined();
    expect(feedbackSourceRecordId('1', 'D', 1)).toBe('CASE-1-D');
  });

  it('refuses a report without a verdict or an action, or with both a penalty and an inspection', () => {
    const r = caseReportSchema.safeParse({ penalty: {}, inspection: {} });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'verified must be true or false (线索是否属实)',
        'actionTaken is required: say what the department did (处置情况)',
      ]),
    );
    const both = caseReportSchema.safeParse({
      verified: true,
      actionTaken: 'x',
      penalty: {},
      inspection: {},
    });
    expect(both.error!.issues.map((i) => i.message)).toEqual([
      'report either a penalty or an inspection, not both (one record per task)',
    ]);
  });
});
