import { createHash } from 'node:crypto';
import { type CanonicalRecord, validateRecord } from '@lianjian/domain';
import { checkUscc, countiesOf, isValidIndustryCode, isValidResidentId } from '@lianjian/reference';
import { generateDepartments } from './departments';
import { generateSyntheticProvince, type SyntheticEntity } from './synthetic-generator';

const END = '2025-12-31';
const LAST_YEAR_FROM = '2025-01-01';

function hashOf(entities: Iterable<SyntheticEntity>): string {
  const h = createHash('sha256');
  for (const e of entities) h.update(JSON.stringify(e));
  return h.digest('hex');
}

function adverse(r: CanonicalRecord): boolean {
  return (
    (r.kind === 'inspection' && r.inspection.result === 'fail') ||
    r.kind === 'penalty' ||
    (r.kind === 'listing' && r.listing.action === 'added')
  );
}

// Area under the ROC curve with ties counted half.
function auc(scores: number[], labels: boolean[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) j++;
    for (let k = i; k < j; k++)
      if (labels[order[k][1]]) {
        positives++;
        rankSum += (i + j + 1) / 2;
      }
    i = j;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

describe('generateSyntheticProvince', () => {
  const province = generateSyntheticProvince({ entities: 3000, seed: 20250601, end: END });
  const entities = [...province.entities()];
  const departmentCodes = new Set(generateDepartments().map((d) => d.code));
  const countyCodes = new Set(countiesOf('330000').map((c) => c.code));

  it('is reproducible for a seed and differs between seeds', () => {
    const again = generateSyntheticProvince({ entities: 500, seed: 20250601, end: END });
    const other = generateSyntheticProvince({ entities: 500, seed: 20250602, end: END });
    const first = hashOf(entities.slice(0, 500));
    expect(hashOf(again.entities())).toBe(first);
    expect(hashOf(other.entities())).not.toBe(first);
  });

  it('generates entity i alone exactly as in sequence, whatever the entity count', () => {
    const small = generateSyntheticProvince({ entities: 10, seed: 20250601, end: END });
    for (const i of [0, 999, 1000, 2345])
      expect(JSON.stringify(small.entity(i))).toBe(JSON.stringify(entities[i]));
    expect(hashOf(province.entities(1500, 1600))).toBe(hashOf(entities.slice(1500, 1600)));
  });

  it('reports its window and departments', () => {
    expect(province.start).toBe('2023-01-01');
    expect(province.end).toBe(END);
    expect(province.departments.map((d) => d.code)).toEqual([...departmentCodes]);
    expect(() => generateSyntheticProvince({ entities: 1, seed: 1, end: '2025-02-30' })).toThrow(RangeError);
    expect(() => generateSyntheticProvince({ entities: -1, seed: 1, end: END })).toThrow(RangeError);
  });

  it('makes only records the ingestion validator accepts', () => {
    const ctx = { today: END, departmentExists: (code: string) => departmentCodes.has(code) };
    const problems: string[] = [];
    for (const e of entities)
      for (const { record } of e.records) {
        const v = validateRecord(record, ctx);
        if (!v.ok) problems.push(`${record.sourceRecordId}: ${v.reasons.join('; ')}`);
      }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  // Checks run over tens of thousands of records: collect failures, then assert once.
  it('uses valid, unique USCCs and real counties, industries and departments', () => {
    const bad: string[] = [];
    const check = (ok: boolean, what: string) => ok || bad.push(what);
    const usccs = new Set<string>();
    for (const e of entities) {
      check(checkUscc(e.uscc).valid, `${e.uscc}: invalid USCC`);
      usccs.add(e.uscc);
      for (const { record } of e.records) {
        const id = record.sourceRecordId;
        check('uscc' in record.entity && record.entity.uscc === e.uscc, `${id}: entity`);
        check(departmentCodes.has(record.departmentCode), `${id}: department ${record.departmentCode}`);
        if (record.kind !== 'registration') continue;
        const reg = record.registration;
        check(countyCodes.has(reg.regionCode ?? ''), `${id}: region ${reg.regionCode}`);
        check(e.uscc.slice(2, 8) === reg.regionCode, `${id}: USCC region ≠ ${reg.regionCode}`);
        check(
          isValidIndustryCode(reg.industryCode) && /^[A-T]\d{3,4}$/.test(reg.industryCode ?? ''),
          `${id}: industry`,
        );
        check(isValidResidentId(reg.legalRepresentative?.idNumber), `${id}: resident ID`);
        check((reg.registeredCapital ?? -1) >= 0, `${id}: capital`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(usccs.size).toBe(entities.length);
  });

  it('keeps records inside the window, sorted, opening with the registration', () => {
    const bad: string[] = [];
    for (const e of entities) {
      const reg = e.records[0].record;
      if (reg.kind !== 'registration') bad.push(`${e.uscc}: opens with ${reg.kind}`);
      else if ((reg.registration.establishedOn ?? '') > reg.occurredAt)
        bad.push(`${e.uscc}: registered before established`);
      if (!(e.latentRisk >= 0 && e.latentRisk <= 1)) bad.push(`${e.uscc}: latentRisk ${e.latentRisk}`);
      let previous = '';
      for (const { record } of e.records) {
        if (record.occurredAt < province.start || record.occurredAt > END)
          bad.push(`${record.sourceRecordId}: outside`);
        if (record.occurredAt < previous) bad.push(`${record.sourceRecordId}: out of order`);
        previous = record.occurredAt;
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('gives fines with every fine and keeps sourceRecordIds unique per source', () => {
    const bad: string[] = [];
    const ids = new Map<string, Set<string>>();
    for (const e of entities)
      for (const { source, record } of e.records) {
        const seen = ids.get(source) ?? new Set<string>();
        if (seen.has(record.sourceRecordId)) bad.push(`${source}/${record.sourceRecordId}: duplicate`);
        seen.add(record.sourceRecordId);
        ids.set(source, seen);
        if (
          record.kind === 'penalty' &&
          record.penalty.penaltyTypes.includes('fine') &&
          !(record.penalty.fineAmount! >= 0)
        )
          bad.push(`${record.sourceRecordId}: fine without amount`);
      }
    expect(bad.slice(0, 5)).toEqual([]);
    expect([...ids.keys()]).toEqual(
      expect.arrayContaining(['samr-registration', 'samr-inspection', 'samr-penalty']),
    );
  });

  it('produces every kind, entity type and inspection result', () => {
    const kinds = new Set<string>();
    const types = new Set<string>();
    const results = new Set<string>();
    const lists = new Set<string>();
    for (const e of entities)
      for (const { record } of e.records) {
        kinds.add(record.kind);
        if (record.kind === 'registration') types.add(record.registration.entityType ?? '');
        if (record.kind === 'inspection') results.add(record.inspection.result);
        if (record.kind === 'listing') lists.add(record.listing.list);
      }
    // The kinds the generator writes (a new record kind is generated only once the seed is taught it).
    expect([...kinds].sort()).toEqual(
      ['complaint', 'inspection', 'listing', 'obligation_default', 'penalty', 'registration'].sort(),
    );
    expect([...types].sort()).toEqual(
      ['个体工商户', '农民专业合作社', '分公司', '有限责任公司', '股份有限公司'].sort(),
    );
    expect([...results].sort()).toEqual(['fail', 'not_operating', 'pass', 'rectified', 'unreachable']);
    expect([...lists].sort()).toEqual([
      'abnormal_operations',
      'court_defaulter',
      'serious_violation',
      'tax_violation',
    ]);
  });

  it('plants a persistent risk: the riskiest decile has several times the adverse records', () => {
    const lastYear = entities.map((e) => ({
      risk: e.latentRisk,
      adverse: e.records.filter(({ record }) => record.occurredAt >= LAST_YEAR_FROM && adverse(record))
        .length,
    }));
    lastYear.sort((a, b) => a.risk - b.risk);
    const decile = Math.floor(lastYear.length / 10);
    const low = lastYear.slice(0, decile).reduce((s, x) => s + x.adverse, 0);
    const high = lastYear.slice(-decile).reduce((s, x) => s + x.adverse, 0);
    expect(high).toBeGreaterThan(4 * Math.max(low, 1));
  });

  it('lets the past predict the future, but not perfectly', () => {
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (const e of entities) {
      const before = e.records.filter(({ record }) => record.occurredAt < LAST_YEAR_FROM);
      const after = e.records.filter(({ record }) => record.occurredAt >= LAST_YEAR_FROM);
      if (after.length === 0) continue;
      scores.push(before.filter(({ record }) => adverse(record)).length);
      labels.push(after.some(({ record }) => adverse(record)));
    }
    const a = auc(scores, labels);
    expect(a).toBeGreaterThan(0.6);
    expect(a).toBeLessThan(0.9);
  });

  it('shares legal representatives and addresses between entities, with correlated risk', () => {
    const byPerson = new Map<string, number[]>();
    const byAddress = new Map<string, number>();
    for (const e of entities) {
      const reg = e.records[0].record;
      if (reg.kind !== 'registration') continue;
      const id = reg.registration.legalRepresentative?.idNumber ?? '';
      byPerson.set(id, [...(byPerson.get(id) ?? []), e.latentRisk]);
      const address = reg.registration.address ?? '';
      byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    }
    const groups = [...byPerson.values()].filter((g) => g.length >= 2);
    expect(groups.length).toBeGreaterThan(50);
    expect([...byAddress.values()].filter((n) => n >= 2).length).toBeGreaterThan(20);
    // pairs of entities under one person are more alike in risk than random pairs
    const pairs = groups.map((g) => Math.abs(g[0] - g[1]));
    const random = groups.map((_, i) =>
      Math.abs(entities[2 * i].latentRisk - entities[2 * i + 1].latentRisk),
    );
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(pairs)).toBeLessThan(mean(random));
  });

  it('supports another province', () => {
    const jiangsu = generateSyntheticProvince({
      entities: 50,
      seed: 1,
      end: END,
      provinceCode: '320000',
      years: 2,
    });
    const codes = new Set(jiangsu.departments.map((d) => d.code));
    expect(jiangsu.start).toBe('2024-01-01');
    for (const e of jiangsu.entities()) {
      expect(e.uscc.slice(2, 4)).toBe('32');
      for (const { record } of e.records) expect(codes.has(record.departmentCode)).toBe(true);
    }
  });
});
