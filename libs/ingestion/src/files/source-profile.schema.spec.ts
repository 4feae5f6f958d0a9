import { loadSourceProfile, profileColumns, SourceProfileError } from './source-profile.schema';
import type { SourceProfile } from './source-profile.schema';

// The example of config/sources/README.md, as written there (comments removed).
const readmeExample = () => ({
  id: 'chicago-food-inspections',
  version: 1,
  description: { zh: '芝加哥食品检查', en: 'Chicago food inspections' },
  departmentCode: 'US-CHI-CDPH',
  allowedDepartments: ['US-CHI-*'],
  registrationAuthority: false,
  departments: [
    {
      code: 'US-CHI-CDPH',
      name: '芝加哥公共卫生局',
      nameEn: 'Chicago Department of Public Health',
      domains: ['food_safety', 'public_health'],
      regionCode: '000000',
      level: 'city',
    },
  ],
  format: 'csv',
  encoding: 'utf-8',
  csv: { delimiter: ',', quote: '"', headerRow: 1 },
  xlsx: { sheet: 1, headerRow: 1 },
  limits: { maxRowBytes: 1048576 },
  columns: { required: ['Inspection_ID', 'License', 'Inspection_Date', 'Results'], allowUnknown: true },
  canonical: false,
  outputs: [
    {
      name: 'inspection',
      kind: 'inspection',
      when: { column: 'Inspection_Type', in: ['Canvass'] },
      sourceRecordId: 'INS-{Inspection_ID}',
      entity: { scheme: 'chicago-license', id: '{License}' },
      departmentCode: 'US-CHI-CDPH',
      occurredAt: { column: 'Inspection_Date', type: 'date', formats: ['YYYY-MM-DD'] },
      fields: {
        result: { column: 'Results', map: { Pass: 'pass', 'Pass w/ Conditions': 'rectified', Fail: 'fail' } },
        'violations.critical': { column: 'criticalCount', type: 'integer' },
        trigger: { const: 'random' },
      },
    },
  ],
});

type Json = Record<string, unknown>;
const withOutput = (over: Json): Json => {
  const p = readmeExample() as Json & { outputs: Json[] };
  p.outputs = [{ ...p.outputs[0], ...over }];
  return p;
};
const problemsOf = (json: unknown): string[] => {
  try {
    loadSourceProfile(json);
  } catch (e) {
    if (e instanceof SourceProfileError) return e.problems;
    throw e;
  }
  throw new Error('expected the profile to be refused');
};

describe('loadSourceProfile', () => {
  it('loads the README example, with defaults filled in and string values normalised', () => {
    const p: SourceProfile = loadSourceProfile(readmeExample());
    expect(p.encoding).toBe('utf-8');
    expect(p.canonical).toBe(false);
    expect(p.xlsx).toEqual({ sheet: 1, headerRow: 1 });
    const o = p.outputs[0];
    expect(o.sourceRecordId).toEqual({ template: 'INS-{Inspection_ID}', optional: false });
    expect(o.departmentCode).toEqual({ const: 'US-CHI-CDPH' });
    expect(o.fields['violations.critical']).toMatchObject({
      column: 'criticalCount',
      type: 'integer',
      optional: false,
    });
  });

  it('needs no limits, columns or encoding', () => {
    const json = readmeExample() as Json;
    delete json.limits;
    delete json.columns;
    delete json.encoding;
    const p = loadSourceProfile(json);
    expect(p.limits.maxRowBytes).toBe(1_048_576);
    expect(p.columns).toEqual({ required: [], allowUnknown: true });
  });

  it('takes a storage quota of its own, else the setting (INGEST_SOURCE_QUOTA_GB)', () => {
    expect(loadSourceProfile(readmeExample()).storage).toEqual({});
    expect(loadSourceProfile({ ...readmeExample(), storage: { quotaGb: 0.5 } }).storage).toEqual({
      quotaGb: 0.5,
    });
    expect(problemsOf({ ...readmeExample(), storage: { quotaGb: -1 } }).join('\n')).toMatch(
      /storage\.quotaGb/,
    );
    expect(problemsOf({ ...readmeExample(), storage: { quota: 1 } }).join('\n')).toMatch(/storage/);
  });

  it('reads an occurredAt column without a type as a date column', () => {
    const p = loadSourceProfile(withOutput({ occurredAt: { column: 'D', formats: ['YYYYMMDD'] } }));
    expect(p.outputs[0].occurredAt).toMatchObject({ type: 'date', formats: ['YYYYMMDD'] });
  });

  it('names the path of every problem at once', () => {
    const json = readmeExample() as Json & { outputs: Json[] };
    json.id = 'Chicago Feed';
    json.format = 'xls';
    json.extra = 1;
    (json.departments as Json[])[0].domains = ['food'];
    (json.departments as Json[])[0].regionCode = '3301';
    json.outputs[0].kind = 'inspections';
    expect(problemsOf(json)).toEqual(
      [
        'id: must match [a-z0-9][a-z0-9_.-]{0,63}',
        expect.stringMatching(
          /^departments\[0\]\.domains\[0\]: unknown domain "food" \(expected market_regulation, /,
        ),
        'departments[0].regionCode: must be 6 digits (GB/T 2260; 000000 = outside China)',
        'format: unknown format "xls" (expected csv, ndjson, xlsx)',
        expect.stringMatching(
          /^outputs\[0\]\.kind: unknown kind "inspections" \(expected inspection, penalty/,
        ),
        'unknown field(s) extra',
      ].map((x) => (typeof x === 'string' && x.startsWith('unknown') ? `(root): ${x}` : x)),
    );
  });

  it('checks value-map targets against the vocabulary', () => {
    const p = withOutput({
      fields: { result: { column: 'Results', map: { Pass: 'passed', Fail: 'fail' } } },
    });
    expect(problemsOf(p)).toEqual([
      'outputs[0].fields.result.map.Pass: "passed" is not a inspection result (expected pass, rectified, fail, unreachable, not_operating)',
    ]);
  });

  it('checks field paths, required fields and column types against the kind', () => {
    expect(
      problemsOf(
        withOutput({
          kind: 'penalty',
          fields: {
            fineAmount: { column: 'Amount' },
            penaltyType: { column: 'Type' },
            'violations.critical': { column: 'c', type: 'integer' },
          },
        }),
      ),
    ).toEqual([
      'outputs[0].fields.fineAmount.type: this field needs type number or integer (got string)',
      'outputs[0].fields.penaltyType: a penalty record has no field penaltyType (known: penaltyTypes, fineAmount, decisionNo, legalBasis, violationType)',
      expect.stringMatching(/^outputs\[0\]\.fields\.violations\.critical: a penalty record has no field/),
      'outputs[0].fields: a penalty record needs penaltyTypes',
    ]);
  });

  it('checks the options of column values', () => {
    expect(
      problemsOf(
        withOutput({
          fields: {
            result: { column: 'Results', formats: ['YYYY-MM-DD'], mapDefault: 'keep', tpye: 'date' },
            'violations.critical': { column: 'c', type: 'integer', split: ',' },
            matter: { column: ' Facility ', type: 'text' },
          },
        }),
      ),
    ).toEqual([
      'outputs[0].fields.result: unknown field(s) tpye',
      'outputs[0].fields.result.formats: applies to type date only (this column is string)',
      'outputs[0].fields.result.mapDefault: needs a map',
      'outputs[0].fields.violations.critical.split: applies to type string[] only (this column is integer)',
      'outputs[0].fields.matter.column: column name has leading or trailing spaces (header names are trimmed)',
      'outputs[0].fields.matter.type: unknown type "text" (expected string, integer, number, boolean, date, string[])',
    ]);
    expect(problemsOf(withOutput({ occurredAt: { column: 'D', formats: ['DD.MM.YYYY'] } }))).toEqual([
      expect.stringMatching(/^outputs\[0\]\.occurredAt\.formats\[0\]: unknown date format "DD\.MM\.YYYY"/),
    ]);
  });

  it('checks templates, conditions and entities', () => {
    expect(
      problemsOf(
        withOutput({
          sourceRecordId: 'INS-{Inspection_ID',
          entity: { scheme: 'Chicago License', id: '{License}' },
          when: { column: 'T', matches: '([' },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^outputs\[0\]\.when\.matches: not a valid regular expression/),
      'outputs[0].sourceRecordId: unclosed { at position 5 (write {{ for a literal brace)',
      'outputs[0].entity.scheme: must be 1-40 lower-case letters, digits, _ . - (a constant)',
    ]);
    expect(problemsOf(withOutput({ when: { column: 'T', contains: 'x' } }))).toEqual([
      'outputs[0].when: a column condition needs one of in, notIn, equals, notEmpty, matches',
    ]);
    expect(problemsOf(withOutput({ entity: { id: 'x' } }))).toEqual([
      'outputs[0].entity.scheme: is required',
    ]);
  });

  it('checks the format-specific settings and canonical feeds', () => {
    expect(problemsOf({ ...readmeExample(), csv: { delimiter: ',,', quote: '`' } })).toEqual([
      'csv.delimiter: delimiter must be one ASCII character other than CR/LF',
      `csv.quote: quote must be '"', "'" or '' (no quoting)`,
    ]);
    expect(problemsOf({ ...readmeExample(), canonical: true })).toEqual([
      'canonical: canonical records come as ndjson only',
      'outputs: a canonical feed has no outputs (each line is a record)',
    ]);
    const canonical = { ...readmeExample(), format: 'ndjson', canonical: true, outputs: [] } as Json;
    delete canonical.csv;
    delete canonical.departmentCode;
    expect(loadSourceProfile(canonical).canonical).toBe(true);
    expect(problemsOf({ ...readmeExample(), outputs: [] })).toEqual([
      'outputs: lists no output (or set "canonical": true for canonical ndjson)',
    ]);
  });

  it('refuses two outputs with one name', () => {
    const p = readmeExample() as Json & { outputs: Json[] };
    p.outputs = [p.outputs[0], p.outputs[0]];
    expect(problemsOf(p)).toEqual(['outputs[1].name: output name "inspection" used twice']);
  });

  it('lets only a registration authority map registration records, and checks the allow-list', () => {
    const registration = {
      name: 'registration',
      kind: 'registration',
      fields: { name: { column: 'DBA' } },
    };
    expect(problemsOf(withOutput(registration))).toEqual([
      'outputs[0].kind: registration records change master data: only a registration authority sends them ("registrationAuthority": true)',
    ]);
    const p = loadSourceProfile({
      ...withOutput(registration),
      registrationAuthority: true,
      allowedDepartments: ['US-CHI-*'],
    });
    expect(p).toMatchObject({ registrationAuthority: true, allowedDepartments: ['US-CHI-*'] });
    const { allowedDepartments: _a, registrationAuthority: _r, ...bare } = readmeExample();
    expect(loadSourceProfile(bare)).toMatchObject({ registrationAuthority: false, allowedDepartments: [] });
    expect(problemsOf({ ...readmeExample(), allowedDepartments: ['*', 'a b', 'X', 'X'] })).toEqual([
      'allowedDepartments[0]: must name more than `*` (list the departments)',
      'allowedDepartments[1]: must be a department code, `*` for any characters (e.g. 33*-SAMR)',
      'allowedDepartments[3]: department "X" listed twice',
    ]);
  });
});

describe('loadSourceProfile: list fields made of items', () => {
  const registration = (licensedActivities: unknown): Json => ({
    ...withOutput({
      kind: 'registration',
      fields: { name: { column: 'Name' }, licensedActivities },
    }),
    registrationAuthority: true,
  });

  it('checks every item against the field: vocabulary, column types, nesting', () => {
    expect(
      problemsOf(
        registration({
          items: [
            { column: 'tobacco', map: { '1': 'tobacco', '0': null }, optional: true },
            { column: 'n', type: 'integer' },
            { const: 'alcohol_retail' },
            { const: ['catering', 'karaoke'] },
          ],
        }),
      ),
    ).toEqual([
      'outputs[0].fields.licensedActivities.items[0].map.1: "tobacco" is not a licensed activity (expected food_business, catering, mobile_food, alcohol_on_premises, alcohol_retail, tobacco_retail, outdoor_seating, entertainment, childcare, fuel_station, general_business, regulated_business)',
      'outputs[0].fields.licensedActivities.items[1].type: this field needs type string[] (got integer)',
      expect.stringMatching(
        /^outputs\[0\]\.fields\.licensedActivities\.items\[3\]\.const: "karaoke" is not a licensed activity/,
      ),
    ]);
    expect(problemsOf(registration({ items: [] }))).toEqual([
      'outputs[0].fields.licensedActivities.items: lists no item',
    ]);
    expect(problemsOf(registration({ items: [{ items: [{ const: 'catering' }] }] }))).toEqual([
      'outputs[0].fields.licensedActivities.items: an item cannot itself have items',
    ]);
  });

  it('makes lists only', () => {
    expect(problemsOf(withOutput({ fields: { result: { items: [{ const: 'pass' }] } } }))).toEqual([
      'outputs[0].fields.result: items make a list; this field needs text',
    ]);
  });

  it('requires the columns of items that are not optional', () => {
    const p = loadSourceProfile(
      registration({
        items: [
          { column: 'Licence' },
          { column: 'tobacco', map: { '1': 'tobacco_retail', '0': null }, optional: true },
        ],
        optional: true,
      }),
    );
    const cols = profileColumns(p);
    expect(cols.required).toContain('Licence');
    expect(cols.required).not.toContain('tobacco');
    expect(cols.mapped).toEqual(expect.arrayContaining(['Licence', 'tobacco']));
  });
});

describe('profileColumns', () => {
  it('requires the listed columns and those non-optional values read', () => {
    const p = loadSourceProfile(
      withOutput({
        fields: {
          result: { column: 'Results' },
          matter: { column: 'Facility', optional: true },
          findings: '{Notes} {More}',
        },
      }),
    );
    const cols = profileColumns(p);
    expect(cols.required.sort()).toEqual([
      'Inspection_Date',
      'Inspection_ID',
      'License',
      'More',
      'Notes',
      'Results',
    ]);
    expect(cols.mapped).toContain('Facility');
    expect(cols.mapped).not.toContain('Inspection_Type');
    expect(cols.known).toContain('Inspection_Type');
  });
});
