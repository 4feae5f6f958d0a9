import { parseEntityKey, validateRecord } from './record-validation';

const ctx = { today: '2026-11-22', departmentExists: (c: string) => c === '330106-SAMR' };
const USCC = '91330106MA2CXB7KXK';
const base = {
  sourceRecordId: 'X-1',
  entity: { uscc: USCC },
  departmentCode: '330106-SAMR',
  occurredAt: '2025-06-01',
};
const reasons = (r: unknown) => {
  const res = validateRecord(r, ctx);
  return res.ok ? [] : res.reasons;
};

describe('validateRecord', () => {
  it('accepts each kind with its required fields, and date-times as their calendar date', () => {
    const ok = [
      {
        ...base,
        kind: 'inspection',
        inspection: { result: 'fail', violations: { critical: 1 }, trigger: 'complaint' },
      },
      { ...base, kind: 'penalty', penalty: { penaltyTypes: ['warning'] } },
      { ...base, kind: 'listing', listing: { list: 'court_defaulter', action: 'removed' } },
      { ...base, kind: 'complaint', complaint: { category: '食品安全', verified: true } },
      { ...base, kind: 'obligation_default', obligation_default: { type: 'tax_arrears', amount: 1200.5 } },
      {
        ...base,
        kind: 'registration',
        registration: {
          name: '某某公司',
          regionCode: '330106',
          industryCode: 'H6210',
          establishedOn: '2001-02-03',
        },
      },
      {
        ...base,
        entity: { scheme: 'chicago-license', id: '30790' },
        kind: 'complaint',
        complaint: { category: 'sanitation' },
      },
    ];
    for (const r of ok) expect(reasons(r)).toEqual([]);
    const dt = validateRecord(
      { ...base, occurredAt: '2025-06-01T23:30:00+08:00', kind: 'complaint', complaint: { category: 'x' } },
      ctx,
    );
    expect(dt.ok && dt.occurredOn).toBe('2025-06-01');
  });

  it('requires the sub-object of the kind and refuses those of other kinds', () => {
    expect(reasons({ ...base, kind: 'penalty' })).toEqual(['penalty: is required for a penalty record']);
    expect(
      reasons({
        ...base,
        kind: 'complaint',
        complaint: { category: 'x' },
        penalty: { penaltyTypes: ['fine'] },
      }),
    ).toEqual(["penalty: a complaint record carries only its 'complaint' sub-object"]);
  });

  it('refuses unknown fields (a misspelt field would otherwise be lost silently)', () => {
    expect(reasons({ ...base, kind: 'complaint', complaint: { category: 'x', verifed: true } })).toEqual([
      'complaint: unknown field(s) verifed',
    ]);
    expect(
      reasons({ ...base, occuredAt: '2025-01-01', kind: 'complaint', complaint: { category: 'x' } }),
    ).toEqual(['record: unknown field(s) occuredAt']);
  });

  it('explains vocabulary, amount and date problems by field', () => {
    expect(reasons({ ...base, kind: 'penalty', penalty: { penaltyTypes: ['fine'] } })).toEqual([
      'penalty.fineAmount: is required when penaltyTypes includes fine',
    ]);
    expect(
      reasons({ ...base, kind: 'penalty', penalty: { penaltyTypes: ['fine', 'fine'], fineAmount: '5' } }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^penalty\.penaltyTypes: must not repeat/),
        expect.stringMatching(/^penalty\.fineAmount: /),
      ]),
    );
    expect(reasons({ ...base, kind: 'listing', listing: { list: 'blacklist', action: 'added' } })[0]).toMatch(
      /^listing\.list: must be one of abnormal_operations/,
    );
    expect(
      reasons({ ...base, occurredAt: '2025-02-30', kind: 'complaint', complaint: { category: 'x' } }),
    ).toEqual(["occurredAt: '2025-02-30' is not a valid date (YYYY-MM-DD or ISO 8601)"]);
    expect(
      reasons({ ...base, occurredAt: '2026-11-23', kind: 'complaint', complaint: { category: 'x' } }),
    ).toEqual(['occurredAt: 2026-11-23 is in the future (today is 2026-11-22)']);
  });

  it('checks registration region (GB/T 2260) and industry (GB/T 4754) codes', () => {
    const r = reasons({
      ...base,
      kind: 'registration',
      registration: { name: 'x', regionCode: '339999', industryCode: 'H01' },
    });
    expect(r).toHaveLength(2);
    expect(r[0]).toMatch(/^registration\.regionCode: /);
    expect(r[1]).toMatch(/^registration\.industryCode: /);
  });

  it('reports every problem of a record at once', () => {
    const r = reasons({
      sourceRecordId: '',
      kind: 'inspection',
      entity: { uscc: 'ABC' },
      departmentCode: 'NOPE',
      occurredAt: '1900-01-01',
      inspection: { result: 'ok' },
    });
    expect(r.length).toBeGreaterThanOrEqual(3);
    expect(r.join('\n')).toMatch(/sourceRecordId: must not be empty/);
    expect(r.join('\n')).toMatch(/inspection\.result: must be one of/);
  });
});

describe('validateRecord: hostile text', () => {
  // A NUL in sourceRecordId (or any field) was a 500 for the whole batch: PostgreSQL refuses \u0000.
  it('refuses a record carrying NUL, a lone surrogate, control characters or bidi overrides, by field', () => {
    const inspection = { result: 'pass', matter: '食品经营' };
    expect(reasons({ ...base, sourceRecordId: 'X\u0000', kind: 'inspection', inspection })).toEqual([
      'sourceRecordId: contains a NUL character (U+0000) / 含有空字符（U+0000）',
    ]);
    expect(reasons({ ...base, kind: 'inspection', inspection: { ...inspection, matter: '\uD800' } })).toEqual(
      ['inspection.matter: contains a lone UTF-16 surrogate (not valid text) / 含有无效的 UTF-16 代理字符'],
    );
    expect(
      reasons({ ...base, kind: 'inspection', inspection: { ...inspection, matter: '恒信\u202Eexe' } })[0],
    ).toMatch(/^inspection\.matter: contains a bidirectional override/);
    expect(reasons({ ...base, occurredAt: '2025\u001B', kind: 'inspection', inspection })[0]).toMatch(
      /^occurredAt: contains a control character \(U\+001B\)/,
    );
    expect(
      reasons({ ...base, entity: { uscc: 'x'.repeat(100_000) }, kind: 'inspection', inspection }),
    ).toEqual([
      'entity.uscc: is too long (100000 characters, at most 10000) / 内容过长（最多 10000 个字符）',
    ]);
  });
});

describe('parseEntityKey', () => {
  it('reads a USCC or scheme:id and refuses anything else', () => {
    expect(parseEntityKey(USCC)).toEqual({ uscc: USCC });
    expect(parseEntityKey('sf-business:19')).toEqual({ scheme: 'sf-business', id: '19' });
    expect(parseEntityKey('91330106MA2CXB7KXA')).toBeUndefined();
    expect(parseEntityKey('Bad Scheme:1')).toBeUndefined();
  });
});
