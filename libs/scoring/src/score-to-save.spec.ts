import fs from 'node:fs';
import path from 'node:path';
import type { EntitySnapshot, KindDataMap, RecordKind } from '@lianjian/domain';
import { inputsHash, scoreToSave } from './score-to-save';
import { loadScorecard, SCORECARD_V1_PATH } from './scorecard/scorecard.schema';

describe('inputsHash (what a score was computed from)', () => {
  const features = { age_years: 2.57, penalties_12m: 1, complaints_12m: 0 };

  it('is the same for the same model, day and features', () => {
    expect(inputsHash('scorecard-v1', '2026-11-23', { ...features })).toBe(
      inputsHash('scorecard-v1', '2026-11-23', features),
    );
  });

  it('changes with the model, the day or any feature value', () => {
    const h = inputsHash('scorecard-v1', '2026-11-23', features);
    expect(inputsHash('scorecard-v2', '2026-11-23', features)).not.toBe(h);
    expect(inputsHash('scorecard-v1', '2026-11-24', features)).not.toBe(h);
    expect(inputsHash('scorecard-v1', '2026-11-23', { ...features, complaints_12m: 1 })).not.toBe(h);
    expect(inputsHash('scorecard-v1', '2026-11-23', { ...features, age_years: 2.58 })).not.toBe(h);
  });
});

// A full run loads its records without their origin (RecordRepository.forScoringRange: no source,
// source record id or department; a third of the fields a chunk parses). The profile and the
// scorecard must then not read them: a record whose origin fields throw when read scores the same as
// the full record, for every kind, as of a day that puts records in every window.
describe('scoreToSave on the records a full run loads (ScoringRecord)', () => {
  const model = loadScorecard(
    JSON.parse(fs.readFileSync(path.join(process.cwd(), SCORECARD_V1_PATH), 'utf8')),
  );
  const AS_OF = '2026-06-30';
  const entity: EntitySnapshot = {
    id: '7',
    uscc: '91330106MA2CXB7KXK',
    scheme: null,
    externalId: null,
    name: '杭州某某餐饮有限公司',
    entityType: 'company',
    regionCode: '330106',
    industryCode: 'H6210',
    establishedOn: '2019-03-01',
    registeredCapital: 500_000,
    status: 'active',
    legalRepName: '张三',
    address: '杭州市西湖区文三路1号',
  };
  let seq = 100;
  const rec = <K extends RecordKind>(
    kind: K,
    occurredAt: string,
    data: KindDataMap[K],
    countsUntil?: string,
  ) => ({
    id: String(seq++),
    source: 'samr-test',
    sourceRecordId: `T-${seq}`,
    kind,
    entityId: '7',
    departmentCode: '330106-SAMR',
    occurredAt,
    data,
    countsUntil: countsUntil ?? null,
  });
  const records = [
    rec('registration', '2019-03-01', {
      name: '杭州某某餐饮有限公司',
      status: 'active',
      address: '杭州市西湖区文三路1号',
      entityType: 'company',
      regionCode: '330106',
      industryCode: 'H6210',
      establishedOn: '2019-03-01',
      registeredCapital: 500000,
      legalRepresentative: { name: '张三', idNumber: '330106198001011234' },
    } as KindDataMap['registration']),
    rec('registration', '2026-01-15', {
      status: 'active',
      address: '杭州市西湖区文一路2号',
      legalRepresentative: { name: '李四', idNumber: '330106198202021234' },
    } as KindDataMap['registration']),
    rec('inspection', '2024-05-10', {
      matter: '日常检查',
      result: 'pass',
      trigger: 'random',
    } as KindDataMap['inspection']),
    rec('inspection', '2026-03-02', {
      matter: '食品经营者日常监督检查',
      result: 'fail',
      trigger: 'targeted',
      findings: ['餐饮具未按规定清洗消毒'],
      violations: { minor: 1, serious: 1, critical: 1 },
    } as KindDataMap['inspection']),
    rec('inspection', '2026-04-02', {
      matter: '复查',
      result: 'rectified',
      trigger: 'targeted',
    } as KindDataMap['inspection']),
    rec('penalty', '2025-09-01', {
      decisionNo: '杭西市监罚〔2025〕1号',
      fineAmount: 120000,
      legalBasis: '《食品安全法》第一百二十五条',
      penaltyTypes: ['fine', 'license_revocation'],
      violationType: 'food_safety',
    } as KindDataMap['penalty']),
    rec(
      'penalty',
      '2026-02-01',
      {
        decisionNo: '杭西市监罚〔2026〕2号',
        fineAmount: 1500,
        legalBasis: '《广告法》第五十五条',
        penaltyTypes: ['fine'],
        violationType: 'market_regulation',
      } as KindDataMap['penalty'],
      '2026-05-01',
    ),
    rec('complaint', '2026-01-20', { category: '价格', verified: true } as KindDataMap['complaint']),
    rec('complaint', '2025-12-20', { category: '计量', verified: false } as KindDataMap['complaint']),
    rec('obligation_default', '2025-11-01', {
      type: 'tax_arrears',
      amount: 6382.12,
    } as KindDataMap['obligation_default']),
    rec('obligation_default', '2025-10-01', {
      type: 'social_insurance_arrears',
      amount: 3968.62,
    } as KindDataMap['obligation_default']),
    rec('obligation_default', '2025-08-01', {
      type: 'court_judgment',
      amount: 61158.78,
    } as KindDataMap['obligation_default']),
    rec('listing', '2025-07-01', {
      list: 'abnormal_operations',
      action: 'added',
      reason: '未按照规定期限公示年度报告',
    } as KindDataMap['listing']),
    rec('listing', '2025-08-01', {
      list: 'serious_violation',
      action: 'added',
      reason: '两次以上行政处罚',
    } as KindDataMap['listing']),
    rec('listing', '2026-02-01', {
      list: 'serious_violation',
      action: 'removed',
      reason: '信用修复',
    } as KindDataMap['listing']),
    rec('listing', '2026-03-01', {
      list: 'court_defaulter',
      action: 'added',
      reason: '失信',
    } as KindDataMap['listing']),
    rec('listing', '2026-03-05', {
      list: 'tax_violation',
      action: 'added',
      reason: '欠税',
    } as KindDataMap['listing']),
  ];
  const withoutOrigin = (r: (typeof records)[number]) => {
    const { source: _s, sourceRecordId: _r, departmentCode: _d, ...rest } = r;
    for (const field of ['source', 'sourceRecordId', 'departmentCode'])
      Object.defineProperty(rest, field, {
        get() {
          throw new Error(`scoring read record.${field}, which a full run does not load (forScoringRange)`);
        },
      });
    return rest;
  };
  const related = { sameLegalRepFlagged: 1, sameAddressFlagged: 2 };

  it('scores the same as the full records, without reading their origin', () => {
    const full = scoreToSave(entity, records, related, AS_OF, model, 'full-run');
    const slim = scoreToSave(entity, records.map(withoutOrigin), related, AS_OF, model, 'full-run');
    expect(slim).toEqual(full);
    // the records above reach the features they are there for
    expect(Object.keys(full.features).length).toBeGreaterThan(15);
  });
});
