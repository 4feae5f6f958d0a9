import { validateRecord } from '@lianjian/domain';
import { compileProfile, mapRow } from './row-mapping';
import type { MappedRow, RowInput } from './row-mapping';
import { loadSourceProfile } from './source-profile.schema';

const USCC = '91330106MA2CXB7KXK';
const CTX = { today: '2025-12-31', departmentExists: () => true };

// A profile with one output of the given kind and fields; `over` replaces parts of the output.
function compile(
  kind: string,
  fields: Record<string, unknown>,
  over: Record<string, unknown> = {},
  top = {},
) {
  return compileProfile(
    loadSourceProfile({
      id: 'test-feed',
      version: 1,
      description: { zh: '测试', en: 'test' },
      departmentCode: '330106-SAMR',
      // Registration outputs need a registration authority (登记机关).
      registrationAuthority: kind === 'registration',
      format: 'csv',
      outputs: [
        {
          name: kind,
          kind,
          sourceRecordId: 'R-{ID}',
          entity: { uscc: '{USCC}' },
          occurredAt: { column: 'Date' },
          fields,
          ...over,
        },
      ],
      ...top,
    }),
  );
}

const row = (values: Record<string, string>, extra: Partial<RowInput> = {}): RowInput => ({
  rowNumber: 2,
  values: { ID: '1', USCC, Date: '2025-06-01', ...values },
  ...extra,
});

const one = (mapped: MappedRow[]): MappedRow => {
  expect(mapped).toHaveLength(1);
  return mapped[0];
};
const sub = (m: MappedRow, kind: string) => (m.record as Record<string, Record<string, unknown>>)[kind];

describe('mapRow: records', () => {
  const chicago = compile('inspection', {
    result: { column: 'Results', map: { Pass: 'pass', Fail: 'fail', 'Pass w/ Conditions': 'rectified' } },
    'violations.critical': { column: 'criticalCount', type: 'integer' },
    'violations.minor': { column: 'minorCount', type: 'integer', optional: true },
    trigger: { const: 'random' },
    matter: 'Canvass {Facility}',
  });

  it('builds the canonical record candidate, which validateRecord accepts', () => {
    const m = one(
      mapRow(
        chicago,
        row({ Results: 'Pass w/ Conditions', criticalCount: '2', minorCount: '', Facility: 'Restaurant' }),
      ),
    );
    expect(m).toEqual({
      output: 'inspection',
      record: {
        sourceRecordId: 'R-1',
        kind: 'inspection',
        entity: { uscc: USCC },
        departmentCode: '330106-SAMR',
        occurredAt: '2025-06-01',
        inspection: {
          result: 'rectified',
          violations: { critical: 2 },
          trigger: 'random',
          matter: 'Canvass Restaurant',
        },
      },
    });
    expect(validateRecord(m.record, CTX).ok).toBe(true);
  });

  it('names the column and the known values of an unmapped value, and still tells the row id', () => {
    const m = one(mapRow(chicago, row({ Results: 'Out of Business', criticalCount: '0', Facility: 'x' })));
    expect(m).toEqual({
      output: 'inspection',
      reasons: [
        "column Results: 'Out of Business' is not in the value map (known: Pass, Fail, Pass w/ Conditions)",
      ],
      // so that a corrected upload of the same record clears this refusal
      sourceRecordId: 'R-1',
    });
  });

  it('gives every reason of a row at once', () => {
    const m = one(
      mapRow(
        chicago,
        row({ ID: '', Date: '2025-02-30', Results: 'Pass', criticalCount: '1.5', Facility: '' }),
      ),
    );
    expect(m.reasons).toEqual([
      'column ID: empty (required for sourceRecordId)',
      "column Date: '2025-02-30' is not a real calendar date",
      "column criticalCount: '1.5' is not a whole number",
      'column Facility: empty (required for inspection.matter)',
    ]);
  });

  it('uses mapDefault: keep, a constant, or null for "no value"', () => {
    const keep = compile('complaint', {
      category: { column: 'C', map: { SFP: 'Suspected Food Poisoning' }, mapDefault: 'keep' },
    });
    expect(sub(one(mapRow(keep, row({ C: 'SFP' }))), 'complaint')).toEqual({
      category: 'Suspected Food Poisoning',
    });
    expect(sub(one(mapRow(keep, row({ C: 'Odour' }))), 'complaint')).toEqual({ category: 'Odour' });
    const constant = compile('inspection', {
      result: { column: 'R', map: { 合格: 'pass' }, mapDefault: 'fail' },
    });
    expect(sub(one(mapRow(constant, row({ R: '其他' }))), 'inspection')).toEqual({ result: 'fail' });
    const none = compile('inspection', {
      result: { const: 'pass' },
      trigger: { column: 'T', map: { 双随机: 'random' }, mapDefault: null, optional: true },
    });
    expect(sub(one(mapRow(none, row({ T: '其他' }))), 'inspection')).toEqual({ result: 'pass' });
  });

  it('takes departmentCode from the profile or from a column', () => {
    const dep = compile(
      'complaint',
      { category: { const: 'food' } },
      { departmentCode: { column: '机关代码' } },
    );
    expect(one(mapRow(dep, row({ 机关代码: '330100-SAMR' }))).record?.departmentCode).toBe('330100-SAMR');
  });

  it('builds an external-id entity', () => {
    const ext = compile(
      'complaint',
      { category: { const: 'food' } },
      { entity: { scheme: 'chicago-license', id: '{License}' } },
    );
    expect(one(mapRow(ext, row({ License: '2234228' }))).record?.entity).toEqual({
      scheme: 'chicago-license',
      id: '2234228',
    });
    expect(one(mapRow(ext, row({ License: '' }))).reasons).toEqual([
      'column License: empty (required for entity.id)',
    ]);
  });
});

describe('mapRow: conversions', () => {
  const amounts = compile('penalty', {
    penaltyTypes: { const: ['fine'] },
    fineAmount: { column: 'Amount', type: 'number' },
  });
  const amountOf = (text: string) => mapRow(amounts, row({ Amount: text }))[0];

  it('reads numbers with thousands separators, refuses the rest', () => {
    expect(sub(amountOf('1,234.5'), 'penalty').fineAmount).toBe(1234.5);
    expect(sub(amountOf('1234.5'), 'penalty').fineAmount).toBe(1234.5);
    expect(sub(amountOf('.5'), 'penalty').fineAmount).toBe(0.5);
    expect(amountOf('12abc').reasons).toEqual(["column Amount: '12abc' is not a number"]);
    expect(amountOf('NaN').reasons).toEqual(["column Amount: 'NaN' is not a number"]);
    expect(amountOf('1,23').reasons).toEqual(["column Amount: '1,23' is not a number"]);
    expect(amountOf('').reasons).toEqual(['column Amount: empty (required for penalty.fineAmount)']);
  });

  it('passes a negative amount on; the canonical check refuses it', () => {
    const m = amountOf('-5');
    expect(sub(m, 'penalty').fineAmount).toBe(-5);
    const v = validateRecord(m.record, CTX);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reasons).toEqual(['penalty.fineAmount: must not be negative']);
  });

  it('scales numbers (万元 → 元) without binary noise', () => {
    const scaled = compile('penalty', {
      penaltyTypes: { const: ['fine'] },
      fineAmount: { column: 'Amount', type: 'number', scale: 10000 },
    });
    expect(sub(one(mapRow(scaled, row({ Amount: '1.1' }))), 'penalty').fineAmount).toBe(11000);
  });

  it.each([
    ['YYYY-MM-DD', '2025-06-01'],
    ['YYYY-MM-DD', '2025-6-1'],
    ['YYYY/MM/DD', '2025/06/01'],
    ['YYYY.MM.DD', '2025.06.01'],
    ['YYYYMMDD', '20250601'],
    ['MM/DD/YYYY', '06/01/2025'],
    ['DD/MM/YYYY', '01/06/2025'],
    ['YYYY年MM月DD日', '2025年6月1日'],
    ['YYYY年MM月DD日', '2025年06月01日'],
    ['YYYY-MM-DDTHH:mm:ss', '2025-06-01T23:59:59+08:00'],
    ['YYYY-MM-DDTHH:mm:ss', '2025-06-01 08:30'],
  ])('reads %s dates: %s', (format, text) => {
    const c = compile(
      'complaint',
      { category: { const: 'food' } },
      { occurredAt: { column: 'Date', formats: [format] } },
    );
    expect(one(mapRow(c, row({ Date: text }))).record?.occurredAt).toBe('2025-06-01');
  });

  it('refuses impossible dates and other shapes, tries formats in order', () => {
    const c = compile(
      'complaint',
      { category: { const: 'food' } },
      { occurredAt: { column: 'Date', formats: ['MM/DD/YYYY', 'DD/MM/YYYY'] } },
    );
    const at = (text: string) => one(mapRow(c, row({ Date: text })));
    expect(at('13/02/2025').record?.occurredAt).toBe('2025-02-13');
    expect(at('02/13/2025').record?.occurredAt).toBe('2025-02-13');
    expect(at('02/30/2025').reasons).toEqual(["column Date: '02/30/2025' is not a real calendar date"]);
    expect(at('2025-06-01').reasons).toEqual([
      "column Date: '2025-06-01' is not a date in the format(s) MM/DD/YYYY, DD/MM/YYYY",
    ]);
    const iso = compile('complaint', { category: { const: 'food' } });
    expect(one(mapRow(iso, row({ Date: '2025-02-29' }))).reasons).toEqual([
      "column Date: '2025-02-29' is not a real calendar date",
    ]);
    expect(one(mapRow(iso, row({ Date: '2024-02-29' }))).record?.occurredAt).toBe('2024-02-29');
  });

  it('reads booleans with trueValues / falseValues, or the defaults', () => {
    const own = compile('complaint', {
      category: { const: 'food' },
      verified: { column: 'V', type: 'boolean', trueValues: ['属实', 'Y'], falseValues: ['不属实', 'N'] },
    });
    const v = (text: string) => one(mapRow(own, row({ V: text })));
    expect(sub(v('属实'), 'complaint').verified).toBe(true);
    expect(sub(v('y'), 'complaint').verified).toBe(true);
    expect(sub(v('不属实'), 'complaint').verified).toBe(false);
    expect(v('是').reasons).toEqual([
      "column V: '是' is not a yes/no value (true: 属实, y; false: 不属实, n)",
    ]);
    const defaults = compile('complaint', {
      category: { const: 'food' },
      verified: { column: 'V', type: 'boolean' },
    });
    expect(sub(one(mapRow(defaults, row({ V: '是' }))), 'complaint').verified).toBe(true);
    expect(sub(one(mapRow(defaults, row({ V: 'FALSE' }))), 'complaint').verified).toBe(false);
  });

  it('splits string[] on any separator and maps each item', () => {
    const c = compile('penalty', {
      penaltyTypes: {
        column: 'P',
        type: 'string[]',
        split: ['、', ';', '，'],
        map: { 警告: 'warning', 罚款: 'fine', 没收违法所得: 'confiscation', 罚没: ['fine', 'confiscation'] },
      },
      fineAmount: { const: 100 },
    });
    const types = (text: string) => one(mapRow(c, row({ P: text })));
    expect(sub(types('警告、罚款; 没收违法所得'), 'penalty').penaltyTypes).toEqual([
      'warning',
      'fine',
      'confiscation',
    ]);
    expect(sub(types('罚款，罚没'), 'penalty').penaltyTypes).toEqual(['fine', 'confiscation']);
    expect(types('警告、吊销').reasons).toEqual([
      "column P: '吊销' is not in the value map (known: 警告, 罚款, 没收违法所得, 罚没)",
    ]);
    const findings = compile('inspection', {
      result: { const: 'fail' },
      findings: { column: 'F', type: 'string[]', split: '；', optional: true },
    });
    expect(sub(one(mapRow(findings, row({ F: '无证经营；；过期食品 ' }))), 'inspection').findings).toEqual([
      '无证经营',
      '过期食品',
    ]);
    expect(sub(one(mapRow(findings, row({ F: '' }))), 'inspection')).toEqual({ result: 'fail' });
  });
});

describe('mapRow: list fields made of items', () => {
  // One-hot licence columns (0/1) and the licence's own type, as a registration feed sends them.
  const c = compile('registration', {
    name: { column: 'Name' },
    licensedActivities: {
      items: [
        {
          column: 'Licence',
          map: { 'Retail Food': 'food_business', Tavern: 'alcohol_on_premises' },
          mapDefault: null,
          optional: true,
        },
        { column: 'tavern', map: { '1': 'alcohol_on_premises', '0': null }, optional: true },
        { column: 'tobacco', map: { '1': 'tobacco_retail', '0': null }, optional: true },
        {
          column: 'liquor_store',
          map: { 是: ['alcohol_retail'], 否: null },
          optional: true,
        },
      ],
      optional: true,
    },
  });
  const activities = (values: Record<string, string>) => {
    const m = one(mapRow(c, row({ Name: '某店', ...values })));
    return m.reasons ?? sub(m, 'registration').licensedActivities;
  };

  it('adds the value of every item that has one, each activity once, in item order', () => {
    expect(activities({ Licence: 'Retail Food', tavern: '0', tobacco: '1' })).toEqual([
      'food_business',
      'tobacco_retail',
    ]);
    expect(activities({ Licence: 'Tavern', tavern: '1', tobacco: '1', liquor_store: '是' })).toEqual([
      'alcohol_on_premises',
      'tobacco_retail',
      'alcohol_retail',
    ]);
    // an unknown licence type maps to null, an empty flag is no flag
    expect(activities({ Licence: 'Hospital', tavern: '', tobacco: '1' })).toEqual(['tobacco_retail']);
  });

  it('leaves the field out when no item gives a value, and refuses it when the field is required', () => {
    expect(activities({ Licence: 'Hospital', tavern: '0', tobacco: '0' })).toBeUndefined();
    const required = compile('registration', {
      name: { column: 'Name' },
      licensedActivities: {
        items: [{ column: 'tobacco', map: { '1': 'tobacco_retail', '0': null }, optional: true }],
      },
    });
    expect(one(mapRow(required, row({ Name: '某店', tobacco: '0' }))).reasons).toEqual([
      'registration.licensedActivities: no item gave a value',
    ]);
  });

  it("refuses the row on an item's own problem, naming its column", () => {
    expect(activities({ Licence: 'Retail Food', tavern: 'NA' })).toEqual([
      "column tavern: 'NA' is not in the value map (known: 0, 1)",
    ]);
  });

  it('gives a record validateRecord accepts', () => {
    const m = one(mapRow(c, row({ Name: '某店', Licence: 'Retail Food', tobacco: '1' })));
    expect(validateRecord(m.record, CTX).ok).toBe(true);
  });
});

describe('mapRow: formula-looking cells', () => {
  const c = compile('registration', {
    name: { column: 'Name' },
    address: { column: 'Addr', optional: true },
  });

  it.each([["=cmd|' /C calc'!A0"], ['@SUM(A1)'], ['+A1'], ['-A1'], ['=1+1']])(
    'refuses %s in a mapped column',
    (text) => {
      expect(one(mapRow(c, row({ Name: text }))).reasons?.[0]).toMatch(
        /^column Name: '.*' looks like a spreadsheet formula \(possible CSV injection\)$/,
      );
    },
  );

  it.each([['+8613800000000'], ['-5'], ['-.5'], ['-'], ['Acme =1']])('accepts %s', (text) => {
    expect(one(mapRow(c, row({ Name: text }))).record).toBeDefined();
  });

  it('ignores columns the profile does not map', () => {
    expect(one(mapRow(c, row({ Name: 'Acme', Notes: '=HYPERLINK("http://x")' }))).record).toBeDefined();
  });

  it('refuses XLSX formula cells in mapped columns', () => {
    const m = one(mapRow(c, row({ Name: 'Acme', Addr: 'x' }, { formulaColumns: ['Addr', 'Other'] })));
    expect(m.reasons).toEqual([
      "column Addr: the cell is a formula or an error value ('x'); export values, not formulas",
    ]);
  });
});

describe('mapRow: templates and ids', () => {
  it('fills templates, with {{ }} for literal braces', () => {
    const c = compile(
      'complaint',
      { category: '{{{Cat}}} {Sub}' },
      { sourceRecordId: { template: 'C-{ID}-{Date}' } },
    );
    const m = one(mapRow(c, row({ Cat: 'food', Sub: 'odour' })));
    expect(m.record?.sourceRecordId).toBe('C-1-2025-06-01');
    expect(sub(m, 'complaint').category).toBe('{food} odour');
  });

  it('leaves an empty column out of a field template, refuses it in an id', () => {
    const c = compile('registration', {
      name: { column: 'N' },
      address: { template: '{A}, {City} {Zip}', optional: true },
    });
    expect(
      sub(one(mapRow(c, row({ N: 'x', A: '131 N Clinton St', City: 'Chicago', Zip: '' }))), 'registration')
        .address,
    ).toBe('131 N Clinton St, Chicago');
    expect(
      sub(one(mapRow(c, row({ N: 'x', A: '', City: '', Zip: '' }))), 'registration').address,
    ).toBeUndefined();
    expect(one(mapRow(c, row({ N: 'x', ID: '', A: 'a' }))).reasons).toEqual([
      'column ID: empty (required for sourceRecordId)',
    ]);
  });

  it('hashes the named columns into a stable id prefixed by the output name', () => {
    const c = compile(
      'complaint',
      { category: { const: 'food' } },
      { sourceRecordId: { hash: ['License', 'Date'] } },
    );
    const id = (values: Record<string, string>) => one(mapRow(c, row(values))).record?.sourceRecordId;
    const a = id({ License: '1', Date: '2025-06-01' });
    expect(a).toMatch(/^complaint-[A-Za-z0-9_-]{27}$/);
    expect(id({ License: '1', Date: '2025-06-01', Other: 'x' })).toBe(a);
    expect(id({ License: '1', Date: '2025-06-02' })).not.toBe(a);
    // the separator keeps ('1', '12') and ('11', '2') apart
    expect(id({ License: '11', Date: '2025-06-01' })).not.toBe(id({ License: '1', Date: '12025-06-01' }));
    expect(one(mapRow(c, row({ License: '', Date: '' }))).reasons).toEqual([
      'columns License, Date: all empty (the sourceRecordId is their hash)',
      'column Date: empty (required for occurredAt)',
    ]);
  });
});

describe('mapRow: conditions and outputs', () => {
  const profile = (when: unknown) => compile('complaint', { category: { column: 'Purpose' } }, { when });
  const matches = (when: unknown, values: Record<string, string>) =>
    mapRow(profile(when), row(values)).length === 1;

  it('applies in, notIn, equals, notEmpty, matches, all, any, not', () => {
    expect(matches({ column: 'Purpose', in: ['Complaint', 'SFP'] }, { Purpose: 'SFP' })).toBe(true);
    expect(matches({ column: 'Purpose', in: ['Complaint'] }, { Purpose: 'Canvass' })).toBe(false);
    expect(matches({ column: 'Purpose', notIn: ['Canvass'] }, { Purpose: 'SFP' })).toBe(true);
    expect(matches({ column: 'License', equals: '0' }, { Purpose: 'x', License: '0' })).toBe(true);
    expect(matches({ column: 'License', notEmpty: true }, { Purpose: 'x', License: '' })).toBe(false);
    expect(matches({ column: 'License', notEmpty: false }, { Purpose: 'x' })).toBe(true); // an absent column is empty
    expect(matches({ column: 'Purpose', matches: '^Complaint' }, { Purpose: 'Complaint-Fire' })).toBe(true);
    const both = {
      all: [{ column: 'Purpose', matches: 'omplaint' }, { not: { column: 'License', equals: '0' } }],
    };
    expect(matches(both, { Purpose: 'Complaint', License: '12' })).toBe(true);
    expect(matches(both, { Purpose: 'Complaint', License: '0' })).toBe(false);
    const either = {
      any: [
        { column: 'License', equals: '0' },
        { column: 'License', notEmpty: false },
      ],
    };
    expect(matches(either, { Purpose: 'x', License: '' })).toBe(true);
    expect(matches(either, { Purpose: 'x', License: '7' })).toBe(false);
  });

  it('gives one MappedRow per matching output', () => {
    const c = compileProfile(
      loadSourceProfile({
        id: 'two',
        version: 1,
        description: { zh: '二', en: 'two' },
        departmentCode: 'D-1',
        format: 'csv',
        outputs: ['a', 'b'].map((name) => ({
          name,
          kind: 'listing',
          when: { column: 'Type', in: [name, 'both'] },
          sourceRecordId: `${name}-{ID}`,
          entity: { uscc: '{USCC}' },
          occurredAt: { column: 'Date' },
          fields: { list: { const: 'abnormal_operations' }, action: { const: 'added' } },
        })),
      }),
    );
    expect(mapRow(c, row({ Type: 'both' })).map((m) => m.record?.sourceRecordId)).toEqual(['a-1', 'b-1']);
    expect(mapRow(c, row({ Type: 'b' })).map((m) => m.output)).toEqual(['b']);
    expect(mapRow(c, row({ Type: 'none' }))).toEqual([]);
  });
});

describe('mapRow: NDJSON and canonical feeds', () => {
  it('takes typed JSON numbers, booleans and lists as they are', () => {
    const typed = { cat: ['a', 'b'], v: true, amt: 1234.5 };
    const values = { cat: '["a","b"]', v: 'true', amt: '1234.5' };
    const ins = compile('inspection', {
      result: { const: 'pass' },
      findings: { column: 'cat', type: 'string[]' },
    });
    expect(sub(one(mapRow(ins, row(values, { typed }))), 'inspection').findings).toEqual(['a', 'b']);
    const com = compile('complaint', {
      category: { const: 'food' },
      verified: { column: 'v', type: 'boolean' },
    });
    expect(sub(one(mapRow(com, row(values, { typed }))), 'complaint').verified).toBe(true);
    const obl = compile('obligation_default', {
      type: { const: 'tax_arrears' },
      amount: { column: 'amt', type: 'number' },
    });
    expect(sub(one(mapRow(obl, row(values, { typed }))), 'obligation_default').amount).toBe(1234.5);
  });

  it('passes canonical records through, filling a missing departmentCode', () => {
    const c = compileProfile(
      loadSourceProfile({
        id: 'canonical',
        version: 1,
        description: { zh: '标准', en: 'canonical' },
        departmentCode: '330106-SAMR',
        format: 'ndjson',
        canonical: true,
      }),
    );
    const rec = {
      sourceRecordId: 'x',
      kind: 'complaint',
      entity: { uscc: USCC },
      occurredAt: '2025-06-01',
      complaint: { category: 'food' },
    };
    const [m] = mapRow(c, { rowNumber: 1, values: {}, typed: rec });
    expect(m).toEqual({ output: 'canonical', record: { ...rec, departmentCode: '330106-SAMR' } });
    expect(validateRecord(m.record, CTX).ok).toBe(true);
    expect(mapRow(c, { rowNumber: 1, values: {} })[0].reasons).toEqual(['record: must be a JSON object']);
  });
});

describe('mapRow: throughput', () => {
  it('maps 100,000 rows (run, not timed)', () => {
    const c = compile(
      'inspection',
      {
        result: { column: 'R', map: { 合格: 'pass', 不合格: 'fail', 责令整改: 'rectified' } },
        'violations.critical': { column: 'C', type: 'integer', optional: true },
        findings: { column: 'F', type: 'string[]', split: '；', optional: true },
      },
      { occurredAt: { column: 'Date', formats: ['YYYY年MM月DD日', 'YYYY-MM-DD'] } },
    );
    const results = ['合格', '不合格', '责令整改'];
    let records = 0;
    for (let i = 0; i < 100_000; i++) {
      const m = mapRow(c, {
        rowNumber: i + 2,
        values: {
          ID: String(i),
          USCC,
          Date: `2025年${1 + (i % 12)}月${1 + (i % 28)}日`,
          R: results[i % 3],
          C: String(i % 4),
          F: '过期食品；无证',
        },
      });
      if (m[0].record) records++;
    }
    expect(records).toBe(100_000);
  });
});
