import { kindLeafFields, RECORD_KIND_SPECS, RECORD_KINDS } from './record-kinds';
import { validateRecord } from './record-validation';

const ctx = { today: '2025-12-01', departmentExists: () => true };
const record = (kind: string, sub: unknown) => ({
  sourceRecordId: 'K-1',
  kind,
  entity: { uscc: '91330106MA2CXB7KXK' },
  departmentCode: '330106-SAMR',
  occurredAt: '2025-06-01',
  [kind]: sub,
});

describe('record kind descriptions', () => {
  it.each(RECORD_KINDS)('%s: its example is a valid record', (kind) => {
    expect(validateRecord(record(kind, RECORD_KIND_SPECS[kind].example), ctx)).toMatchObject({ ok: true });
  });

  it.each(RECORD_KINDS)('%s: each required field is required by validation', (kind) => {
    const example = RECORD_KIND_SPECS[kind].example as Record<string, unknown>;
    for (const { path } of kindLeafFields(kind).filter((f) => f.required)) {
      const { [path]: _left, ...rest } = example;
      // an enum answers with its values ("must be one of …"), any other field "is required"
      const result = validateRecord(record(kind, rest), ctx);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reasons).toEqual([expect.stringMatching(`^${kind}\\.${path}: `)]);
    }
  });

  it.each(RECORD_KINDS)('%s: rule fields are leaf fields of the kind', (kind) => {
    const paths = kindLeafFields(kind).map((f) => f.path);
    for (const p of RECORD_KIND_SPECS[kind].ruleFields) expect(paths).toContain(p);
  });

  it('flattens groups into dotted leaf paths, required only under a required group', () => {
    expect(kindLeafFields('inspection').map((f) => [f.path, f.required])).toEqual([
      ['result', true],
      ['matter', false],
      ['findings', false],
      ['violations.critical', false],
      ['violations.serious', false],
      ['violations.minor', false],
      ['trigger', false],
      ['premisesRisk', false],
    ]);
  });

  it('names one short name and id prefix per kind', () => {
    const short = RECORD_KINDS.map((k) => RECORD_KIND_SPECS[k].shortName);
    const prefixes = RECORD_KINDS.map((k) => RECORD_KIND_SPECS[k].idPrefix);
    expect(new Set(short).size).toBe(RECORD_KINDS.length);
    expect(new Set(prefixes).size).toBe(RECORD_KINDS.length);
  });
});
