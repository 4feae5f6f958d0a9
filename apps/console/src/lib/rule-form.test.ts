import { describe, expect, it } from 'vitest';
import {
  EMPTY_FORM,
  fieldsForTrigger,
  formErrors,
  fromDefinition,
  isFourEyes,
  operatorsOf,
  parseValue,
  routeOf,
  ruleState,
  toDefinition,
  valueInput,
  valuesOf,
  withField,
  type RuleFieldInfo,
  type RuleForm,
} from './rule-form';

// Fields as GET /api/v1/rules/fields gives them (the operators are the API's, per field type).
const NUMBER_OPS = ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists'];
const STRING_OPS = ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'exists'];
const label = { zh: '字段', en: 'field' };
const FIELDS: RuleFieldInfo[] = [
  {
    name: 'history.penalty.departments_12m',
    type: 'number',
    scope: 'history',
    label,
    kind: null,
    values: null,
    operators: NUMBER_OPS,
  },
  {
    name: 'entity.regionCode',
    type: 'string',
    scope: 'entity',
    label,
    kind: null,
    values: null,
    operators: STRING_OPS,
    hint: 'GB/T 2260',
  },
  {
    name: 'entity.status',
    type: 'string',
    scope: 'entity',
    label,
    kind: null,
    values: ['active', 'deregistered', 'revoked'],
    operators: ['eq', 'ne', 'in', 'not_in', 'exists'],
  },
  {
    name: 'record.kind',
    type: 'string',
    scope: 'record',
    label,
    kind: null,
    values: ['penalty', 'inspection'],
    operators: ['eq', 'ne', 'in', 'not_in', 'exists'],
  },
  {
    name: 'record.penalty.confiscation',
    type: 'boolean',
    scope: 'record',
    label,
    kind: 'penalty',
    values: null,
    operators: ['eq', 'ne', 'exists'],
  },
  {
    name: 'record.occurredAt',
    type: 'date',
    scope: 'record',
    label,
    kind: null,
    values: null,
    operators: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists'],
  },
  {
    name: 'record.penalty.penaltyTypes',
    type: 'string[]',
    scope: 'record',
    label,
    kind: 'penalty',
    values: null,
    operators: ['contains', 'contains_any', 'exists'],
  },
];
const field = (name: string) => FIELDS.find((f) => f.name === name)!;

const form = (over: Partial<RuleForm> = {}): RuleForm => ({
  ...EMPTY_FORM,
  id: 'two-departments',
  nameZh: '两个部门处罚',
  nameEn: 'Penalised by two departments',
  findingType: 'repeat_penalties',
  findingLabelZh: '多部门重复处罚',
  findingLabelEn: 'Penalties from several departments',
  severity: 'high',
  legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
  conditions: [{ field: 'history.penalty.departments_12m', op: 'gte', value: '2' }],
  ...over,
});

describe('operators and value inputs per field type', () => {
  it('offers the operators the API lists for the field, none without a field', () => {
    expect(operatorsOf(field('history.penalty.departments_12m'))).toEqual(NUMBER_OPS);
    expect(operatorsOf(field('record.penalty.penaltyTypes'))).toEqual(['contains', 'contains_any', 'exists']);
    expect(operatorsOf(undefined)).toEqual([]);
  });

  it('picks the input by type, fixed values and operator', () => {
    expect(valueInput(field('history.penalty.departments_12m'), 'gte')).toBe('number');
    expect(valueInput(field('history.penalty.departments_12m'), 'in')).toBe('list');
    expect(valueInput(field('entity.status'), 'eq')).toBe('select');
    expect(valueInput(field('entity.status'), 'not_in')).toBe('multiselect');
    expect(valueInput(field('record.penalty.confiscation'), 'eq')).toBe('boolean');
    expect(valueInput(field('record.occurredAt'), 'gte')).toBe('date');
    expect(valueInput(field('entity.regionCode'), 'starts_with')).toBe('text');
    expect(valueInput(field('record.penalty.penaltyTypes'), 'contains_any')).toBe('list');
    expect(valueInput(field('entity.regionCode'), 'exists')).toBe('none');
  });

  it('keeps the operator and value when the new field takes them, clears them when it does not', () => {
    const row = { field: 'history.penalty.departments_12m', op: 'gte', value: '2' };
    // Another number field: same operator, same input.
    expect(
      withField(row, field('history.penalty.departments_12m'), field('history.penalty.departments_12m')),
    ).toEqual(row);
    // A fixed-vocabulary field takes no gte: its first operator, and a number typed is no choice of it.
    expect(withField(row, field('entity.status'), field('history.penalty.departments_12m'))).toEqual({
      field: 'entity.status',
      op: 'eq',
      value: undefined,
    });
    expect(withField({ op: 'contains' }, field('entity.regionCode'), undefined)).toEqual({
      field: 'entity.regionCode',
      op: 'contains',
      value: undefined,
    });
  });
});

describe('values parsed by the field’s type', () => {
  it('parses numbers, booleans and lists; what does not parse is sent as typed for the API to refuse', () => {
    const n = field('history.penalty.departments_12m');
    expect(parseValue(n, 'gte', ' 2 ')).toBe(2);
    expect(parseValue(n, 'gte', '2.5')).toBe(2.5);
    expect(parseValue(n, 'gte', 'two')).toBe('two');
    expect(parseValue(n, 'in', '1, 2，3、 4')).toEqual([1, 2, 3, 4]);
    expect(parseValue(field('record.penalty.confiscation'), 'eq', 'true')).toBe(true);
    expect(parseValue(field('record.penalty.confiscation'), 'eq', 'false')).toBe(false);
    expect(parseValue(field('entity.status'), 'in', ['active', 'revoked'])).toEqual(['active', 'revoked']);
    expect(parseValue(field('entity.status'), 'eq', 'revoked')).toBe('revoked');
    // Region codes stay strings (a code, not a number) and keep leading zeros.
    expect(parseValue(field('entity.regionCode'), 'starts_with', '0330')).toBe('0330');
    expect(parseValue(field('record.occurredAt'), 'gte', '2025-03-01')).toBe('2025-03-01');
  });

  it('sends no value for exists, or when nothing was typed', () => {
    expect(parseValue(field('entity.regionCode'), 'exists', 'x')).toBeUndefined();
    expect(parseValue(field('entity.regionCode'), 'eq', '  ')).toBeUndefined();
    expect(parseValue(field('entity.regionCode'), 'in', ' , ')).toBeUndefined();
    expect(parseValue(field('entity.regionCode'), 'eq', undefined)).toBeUndefined();
  });
});

describe('form ⇄ rule document', () => {
  it('writes one condition as a leaf, with trimmed bilingual texts and no blank legal basis', () => {
    const def = toDefinition(
      form({
        nameZh: ' 两个部门处罚 ',
        legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }, {}],
      }),
      FIELDS,
    );
    expect(def).toEqual({
      id: 'two-departments',
      name: { zh: '两个部门处罚', en: 'Penalised by two departments' },
      trigger: { type: 'record', kinds: ['penalty'] },
      condition: { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
      severity: 'high',
      finding: {
        type: 'repeat_penalties',
        label: { zh: '多部门重复处罚', en: 'Penalties from several departments' },
      },
      legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
    });
  });

  it('writes several conditions as all or any, leaves blank rows out, and no condition as always', () => {
    const rows = [
      { field: 'history.penalty.departments_12m', op: 'gte', value: '2' },
      {},
      { field: 'entity.regionCode', op: 'starts_with', value: '3301' },
    ];
    expect(toDefinition(form({ conditions: rows }), FIELDS).condition).toEqual({
      all: [
        { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
        { field: 'entity.regionCode', op: 'starts_with', value: '3301' },
      ],
    });
    expect(toDefinition(form({ conditions: rows, match: 'any' }), FIELDS).condition).toHaveProperty('any');
    expect(toDefinition(form({ conditions: [{}] }), FIELDS).condition).toEqual({ always: true });
  });

  it('writes each trigger type with only its own settings', () => {
    expect(toDefinition(form({ triggerType: 'class_change', toClasses: ['D'] }), FIELDS).trigger).toEqual({
      type: 'class_change',
      to: ['D'],
    });
    expect(toDefinition(form({ triggerType: 'class_change', toClasses: [] }), FIELDS).trigger).toEqual({
      type: 'class_change',
    });
    expect(
      toDefinition(form({ triggerType: 'score_crosses', above: '80', below: '' }), FIELDS).trigger,
    ).toEqual({
      type: 'score_crosses',
      above: 80,
    });
    expect(toDefinition(form({ triggerType: 'case_overdue' }), FIELDS).trigger).toEqual({
      type: 'case_overdue',
    });
  });

  it('reads a stored document back into the same form (a round trip keeps the document)', () => {
    const def = {
      id: 'revoked-in-hangzhou',
      version: 3,
      name: { zh: '杭州吊销', en: 'Revoked in Hangzhou' },
      description: { zh: '说明', en: 'note' },
      trigger: { type: 'record', kinds: ['penalty', 'license'] },
      condition: {
        any: [
          { field: 'entity.status', op: 'in', value: ['revoked', 'deregistered'] },
          { field: 'history.penalty.departments_12m', op: 'in', value: [2, 3] },
          { field: 'entity.regionCode', op: 'exists' },
        ],
      },
      severity: 'critical',
      finding: { type: 'license_revoked', label: { zh: '吊销', en: 'revoked' } },
      legalBasis: [{ zh: '甲', en: 'A' }],
      cooldownDays: 30,
    };
    const { form: f, editable } = fromDefinition(def, FIELDS);
    expect(editable).toBe(true);
    expect(f.match).toBe('any');
    expect(f.conditions).toEqual([
      { field: 'entity.status', op: 'in', value: ['revoked', 'deregistered'] },
      { field: 'history.penalty.departments_12m', op: 'in', value: '2, 3' },
      { field: 'entity.regionCode', op: 'exists', value: undefined },
    ]);
    expect(f.cooldownDays).toBe('30');
    const { version: _v, ...rest } = def;
    expect(toDefinition(f, FIELDS)).toEqual(rest);
  });

  it('says when a condition has a shape the form cannot show', () => {
    expect(
      fromDefinition({ condition: { not: { field: 'entity.status', op: 'eq', value: 'active' } } }, FIELDS)
        .editable,
    ).toBe(false);
    expect(fromDefinition({ condition: { all: [{ any: [] }] } }, FIELDS).editable).toBe(false);
    const always = fromDefinition({ condition: { always: true } }, FIELDS);
    expect(always.editable).toBe(true);
    expect(always.form.conditions).toEqual([{}]);
  });
});

describe('the API’s reasons next to the inputs', () => {
  it('maps the document’s paths to the form’s inputs, counting blank rows out', () => {
    const f = form({
      conditions: [
        { field: 'history.penalty.departments_12m', op: 'gte', value: '2' },
        {},
        { field: 'entity.regionCode', op: 'starts_with', value: '33x' },
      ],
    });
    const { fields, other } = formErrors(
      {
        'condition.all[1].value': "'33x' is not a GB/T 2260 code",
        'name.en': 'en text is required',
        'trigger.kinds': 'lists no record kind',
        'finding.type': 'finding type must be snake_case',
        'legalBasis[0].zh': 'zh text is required',
        legalBasis: 'cite at least one legal provision',
        'definition.id': 'expected a rule id',
        'finding.keyFields[0]': 'unknown field',
      },
      f,
    );
    expect(fields).toEqual({
      'conditions.2.value': "'33x' is not a GB/T 2260 code",
      nameEn: 'en text is required',
      kinds: 'lists no record kind',
      findingType: 'finding type must be snake_case',
      'legalBasis.0.zh': 'zh text is required',
      id: 'expected a rule id',
    });
    expect(other).toEqual(['finding.keyFields[0]: unknown field']);
  });

  it('maps a single condition’s paths to its row', () => {
    const f = form({ conditions: [{}, { field: 'entity.status', op: 'eq', value: 'x' }] });
    expect(formErrors({ 'condition.value': 'not a value' }, f).fields).toEqual({
      'conditions.1.value': 'not a value',
    });
  });
});

describe('routing, states and the four-eyes refusal', () => {
  const findings = [
    {
      type: 'repeat_penalties',
      industry: true,
      domains: ['market_regulation'],
      levels: ['county'],
      memorandum: { zh: '国办发', en: 'Guobanfa' },
    },
  ];
  const fallback = { industry: true, domains: ['market_regulation'], levels: ['county'] };
  it('routes a listed finding type by its row and any other by the default', () => {
    expect(routeOf('repeat_penalties', findings, fallback)).toMatchObject({
      listed: true,
      memorandum: { zh: '国办发' },
    });
    expect(routeOf('something_new', findings, fallback)).toEqual({ listed: false, ...fallback });
  });

  it('reads states, values and refusals', () => {
    expect(ruleState({ status: 'published', retireRequestedBy: 'li.na' })).toBe('retiring');
    expect(ruleState({ status: 'published', retireRequestedBy: null })).toBe('published');
    expect(ruleState({ status: 'draft' })).toBe('draft');
    expect(ruleState({ status: 'retired' })).toBe('retired');
    expect(valuesOf(FIELDS, 'record.kind')).toEqual(['penalty', 'inspection']);
    expect(valuesOf(FIELDS, 'nope')).toEqual([]);
    expect(
      isFourEyes(
        'rule x version 1 was written by li.na; another user must review and publish it (四眼原则, four-eyes principle)',
      ),
    ).toBe(true);
    expect(isFourEyes('rule x version 1 is published; only a draft is published')).toBe(false);
  });
});

describe('fields offered per trigger', () => {
  it('offers record fields of the trigger’s kinds only, and entity fields to every entity trigger', () => {
    const names = (t: Parameters<typeof fieldsForTrigger>[1], kinds?: string[]) =>
      fieldsForTrigger(FIELDS, t, kinds).map((f) => f.name);
    expect(names('record', ['inspection'])).toEqual([
      'history.penalty.departments_12m',
      'entity.regionCode',
      'entity.status',
      'record.kind',
      'record.occurredAt',
    ]);
    expect(names('record', ['penalty'])).toContain('record.penalty.confiscation');
    expect(names('class_change')).toEqual([
      'history.penalty.departments_12m',
      'entity.regionCode',
      'entity.status',
    ]);
    expect(names('feed_health')).toEqual([]);
  });
});
