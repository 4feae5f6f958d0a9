import { loadRuleSet, RuleSetError } from './rule-set';
import { validateRule } from './rule-validation';

const opts = { profileFeatures: ['penalties_365d', 'complaints_verified_365d'] };

// A valid penalty rule; tests override parts of it.
function rule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'test-rule',
    version: 1,
    name: { zh: '测试规则', en: 'Test rule' },
    trigger: { type: 'record', kinds: ['penalty'] },
    condition: { field: 'record.penalty.penaltyTypes', op: 'contains', value: 'license_revocation' },
    severity: 'high',
    finding: { type: 'test_finding', label: { zh: '测试', en: 'Test' } },
    legalBasis: [{ zh: '《中华人民共和国行政处罚法》第九条', en: 'Administrative Penalty Law, Art. 9' }],
    ...overrides,
  };
}

function errorsOf(def: unknown): string[] {
  const result = validateRule(def, opts);
  if (result.ok) throw new Error('expected the rule to be refused');
  return result.errors;
}

describe('validateRule', () => {
  it('accepts a valid rule and returns it typed', () => {
    const result = validateRule(rule({ cooldownDays: 30 }), opts);
    expect(result).toEqual({
      ok: true,
      rule: expect.objectContaining({ id: 'test-rule', cooldownDays: 30 }),
    });
  });

  it('accepts every condition form, profile features and keyFields', () => {
    const result = validateRule(
      rule({
        trigger: { type: 'record', kinds: ['penalty', 'inspection'] },
        condition: {
          all: [
            { any: [{ field: 'record.penalty.fineAmount', op: 'gte', value: 1000 }, { always: true }] },
            { not: { field: 'entity.status', op: 'in', value: ['deregistered', 'revoked'] } },
            { field: 'profile.penalties_365d', op: 'gt', value: 2 },
            { field: 'record.occurredAt', op: 'gte', value: '2024-01-01' },
            { field: 'entity.industryCode', op: 'starts_with', value: ['H62', 'C14'] },
            { field: 'record.inspection.violations.critical', op: 'exists' },
            { field: 'record.penalty.penaltyTypes', op: 'contains_any', value: ['fine', 'closure'] },
          ],
        },
        finding: { type: 'x', label: { zh: 'x', en: 'x' }, keyFields: ['record.penalty.decisionNo'] },
      }),
      opts,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses an unknown field, naming the path', () => {
    const errors = errorsOf(
      rule({
        condition: {
          all: [
            { field: 'record.penalty.penaltyTypes', op: 'contains', value: 'fine' },
            { field: 'record.penalty.fine', op: 'gt', value: 1 },
          ],
        },
      }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^condition\.all\[1\]\.field: unknown field 'record\.penalty\.fine'/);
    expect(errors[0]).toContain('record.penalty.fineAmount'); // the known fields of the group are suggested
  });

  it('refuses a profile feature the scoring model does not compute', () => {
    const errors = errorsOf(rule({ condition: { field: 'profile.made_up', op: 'gt', value: 1 } }));
    expect(errors).toEqual([expect.stringMatching(/^condition\.field: unknown field 'profile\.made_up'/)]);
    expect(
      validateRule(rule({ condition: { field: 'profile.made_up', op: 'gt', value: 1 } }), {
        profileFeatures: ['made_up'],
      }).ok,
    ).toBe(true);
  });

  it('refuses an operator incompatible with the field type', () => {
    expect(
      errorsOf(rule({ condition: { field: 'record.penalty.decisionNo', op: 'gt', value: 'x' } })),
    ).toEqual([
      expect.stringMatching(
        /^condition\.op: operator 'gt' does not apply to string field 'record\.penalty\.decisionNo'/,
      ),
    ]);
    expect(
      errorsOf(rule({ condition: { field: 'record.penalty.penaltyTypes', op: 'eq', value: 'fine' } }))[0],
    ).toMatch(/^condition\.op: operator 'eq' does not apply to string\[\] field/);
    // Fixed vocabularies take exact matches only.
    expect(
      errorsOf(
        rule({
          condition: { field: 'record.penalty.penaltyTypes', op: 'contains', value: 'fine' },
          trigger: { type: 'record', kinds: ['listing'] },
        }),
      )[0],
    ).toContain('exists only on penalty records');
    expect(
      errorsOf(
        rule({
          trigger: { type: 'record', kinds: ['listing'] },
          condition: { field: 'record.listing.list', op: 'starts_with', value: 'court' },
        }),
      )[0],
    ).toMatch(
      /^condition\.op: operator 'starts_with' does not apply to fixed-vocabulary string field 'record\.listing\.list'/,
    );
  });

  it('refuses a value of the wrong type', () => {
    expect(
      errorsOf(rule({ condition: { field: 'record.penalty.fineAmount', op: 'gte', value: '500000' } })),
    ).toEqual(["condition.value: expected a number for record.penalty.fineAmount, got '500000'"]);
    expect(
      errorsOf(rule({ condition: { field: 'record.occurredAt', op: 'gt', value: '2024-02-30' } }))[0],
    ).toMatch(/^condition\.value: expected a date YYYY-MM-DD/);
    expect(
      errorsOf(rule({ condition: { field: 'record.penalty.fineAmount', op: 'in', value: [] } }))[0],
    ).toMatch(/^condition\.value: operator 'in' needs a non-empty list/);
    expect(
      errorsOf(rule({ condition: { field: 'record.penalty.fineAmount', op: 'in', value: [1, 'two'] } })),
    ).toEqual(["condition.value[1]: expected a number for record.penalty.fineAmount, got 'two'"]);
    expect(errorsOf(rule({ condition: { field: 'record.penalty.fineAmount', op: 'gt' } }))).toEqual([
      "condition.value: operator 'gt' needs a value",
    ]);
    expect(
      errorsOf(rule({ condition: { field: 'record.penalty.fineAmount', op: 'exists', value: 1 } }))[0],
    ).toContain("'exists' takes true, false or no value");
    expect(
      errorsOf(
        rule({ condition: { field: 'entity.industryCode', op: 'starts_with', value: ['H62', 'h61'] } }),
      )[0],
    ).toMatch(/^condition\.value\[1\]: 'h61' is not a GB\/T 4754-2017 code or prefix/);
  });

  it('refuses a value outside a fixed vocabulary', () => {
    const errors = errorsOf(
      rule({
        trigger: { type: 'record', kinds: ['listing'] },
        condition: {
          all: [
            { field: 'record.listing.list', op: 'eq', value: 'blacklist' },
            { field: 'record.listing.action', op: 'in', value: ['added', 'deleted'] },
          ],
        },
      }),
    );
    expect(errors).toEqual([
      "condition.all[0].value: 'blacklist' is not a value of record.listing.list (expected one of abnormal_operations, serious_violation, court_defaulter, tax_violation)",
      "condition.all[1].value[1]: 'deleted' is not a value of record.listing.action (expected one of added, removed)",
    ]);
  });

  it('refuses a record field of a kind the trigger does not deliver', () => {
    const errors = errorsOf(
      rule({
        trigger: { type: 'record', kinds: ['inspection'] },
        condition: {
          all: [
            { field: 'record.inspection.result', op: 'eq', value: 'fail' },
            { field: 'record.penalty.fineAmount', op: 'gt', value: 0 },
          ],
        },
      }),
    );
    expect(errors).toEqual([
      "condition.all[1].field: 'record.penalty.fineAmount' exists only on penalty records, but the rule is triggered by inspection records",
    ]);
  });

  it('keeps feed_health rules to feed fields, and feed fields to feed_health rules', () => {
    const feedRule = rule({
      trigger: { type: 'feed_health', statuses: ['stalled', 'degraded'] },
      condition: {
        any: [
          { field: 'feed.status', op: 'eq', value: 'stalled' },
          { field: 'feed.rejectionRate7d', op: 'gt', value: 0.3 },
        ],
      },
      finding: {
        type: 'feed_problem',
        label: { zh: '数据报送异常', en: 'Feed problem' },
        keyFields: ['feed.status'],
      },
    });
    expect(validateRule(feedRule, opts).ok).toBe(true);
    expect(
      errorsOf(
        rule({
          trigger: { type: 'feed_health' },
          condition: { field: 'entity.status', op: 'eq', value: 'active' },
        }),
      ).join('\n'),
    ).toMatch(
      /condition.field: 'entity.status' is about an entity, but the rule is triggered by feed_health/,
    );
    expect(
      errorsOf(rule({ condition: { field: 'feed.status', op: 'eq', value: 'stalled' } })).join('\n'),
    ).toMatch(/'feed.status' is a feed field, available only to rules triggered by feed_health/);
    expect(
      errorsOf(
        rule({
          trigger: { type: 'feed_health' },
          condition: { field: 'feed.status', op: 'eq', value: 'late' },
        }),
      ).join('\n'),
    ).toMatch(/late/);
    expect(
      errorsOf(
        rule({ trigger: { type: 'feed_health', statuses: ['late'] }, condition: { always: true } }),
      ).join('\n'),
    ).toMatch(/unknown feed status "late"/);
  });

  it('refuses record fields in class_change rules and score fields in record rules', () => {
    expect(
      errorsOf(
        rule({
          trigger: { type: 'class_change', to: ['D'] },
          condition: { field: 'record.kind', op: 'eq', value: 'penalty' },
        }),
      )[0],
    ).toMatch(
      /^condition\.field: 'record\.kind' is a record field, but the rule is triggered by score changes/,
    );
    expect(errorsOf(rule({ condition: { field: 'score.riskClass', op: 'eq', value: 'D' } }))[0]).toMatch(
      /^condition\.field: 'score\.riskClass' is a score field/,
    );
    expect(
      validateRule(
        rule({
          trigger: { type: 'class_change' },
          condition: { field: 'score.riskClass', op: 'eq', value: 'D' },
        }),
        opts,
      ).ok,
    ).toBe(true);
  });

  it('accepts score_crosses with a line and score fields, refuses it without one', () => {
    expect(
      validateRule(
        rule({
          trigger: { type: 'score_crosses', above: 80 },
          condition: { field: 'score.previousScore', op: 'lt', value: 80 },
        }),
        opts,
      ).ok,
    ).toBe(true);
    expect(
      errorsOf(rule({ trigger: { type: 'score_crosses' }, condition: { always: true } })).join('\n'),
    ).toMatch(/score_crosses needs above, below or both/);
    expect(
      errorsOf(rule({ trigger: { type: 'score_crosses', above: 120 }, condition: { always: true } })).join(
        '\n',
      ),
    ).toMatch(/trigger\.above/);
  });

  it('refuses delivery fields outside delivery_overdue rules, and record fields inside them', () => {
    expect(errorsOf(rule({ condition: { field: 'delivery.hoursOverdue', op: 'gt', value: 1 } }))[0]).toMatch(
      /available only to rules triggered by delivery_overdue/,
    );
    expect(
      errorsOf(
        rule({
          trigger: { type: 'delivery_overdue' },
          condition: { field: 'record.kind', op: 'eq', value: 'penalty' },
        }),
      )[0],
    ).toMatch(/not available to delivery_overdue rules/);
  });

  it('gives case_overdue rules the case.* fields and the entity, and nothing from records or deliveries', () => {
    const ok = validateRule(
      rule({
        trigger: { type: 'case_overdue' },
        condition: {
          all: [
            { field: 'case.stage', op: 'eq', value: 'escalation' },
            { field: 'case.days_overdue', op: 'gte', value: 3 },
            { field: 'entity.regionCode', op: 'starts_with', value: '3301' },
          ],
        },
        finding: {
          type: 'late',
          label: { zh: '逾期', en: 'late' },
          keyFields: ['case.id', 'case.department'],
        },
      }),
      opts,
    );
    expect(ok.ok).toBe(true);
    expect(errorsOf(rule({ condition: { field: 'case.type', op: 'eq', value: 'general' } }))[0]).toMatch(
      /available only to rules triggered by case_overdue/,
    );
    expect(
      errorsOf(
        rule({
          trigger: { type: 'case_overdue' },
          condition: { field: 'delivery.hoursOverdue', op: 'gt', value: 1 },
        }),
      )[0],
    ).toMatch(/not available to case_overdue rules/);
    expect(
      errorsOf(
        rule({
          trigger: { type: 'case_overdue' },
          condition: { field: 'case.stage', op: 'eq', value: 'late' },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/'late' is not a value of case.stage \(expected one of reminder, escalation\)/),
    ]);
  });

  it('refuses a record.kind value the trigger never delivers', () => {
    expect(errorsOf(rule({ condition: { field: 'record.kind', op: 'eq', value: 'inspection' } }))).toEqual([
      "condition.value: 'inspection' can never match: the rule is triggered only by penalty records",
    ]);
  });

  it('refuses unknown or unavailable keyFields', () => {
    const errors = errorsOf(
      rule({
        finding: {
          type: 'x',
          label: { zh: 'x', en: 'x' },
          keyFields: ['record.penalty.decision', 'record.listing.list'],
        },
      }),
    );
    expect(errors).toEqual([
      expect.stringMatching(/^finding\.keyFields\[0\]: unknown field 'record\.penalty\.decision'/),
      expect.stringMatching(
        /^finding\.keyFields\[1\]: 'record\.listing\.list' exists only on listing records/,
      ),
    ]);
  });

  it('refuses malformed rules, naming each path', () => {
    const errors = errorsOf({
      ...rule(),
      id: 'Bad Id',
      version: 0,
      severity: 'urgent',
      legalBasis: [],
      trigger: { type: 'record', kinds: ['penalties'] },
      finding: { type: 'Bad-Type', label: { zh: '', en: 'x' } },
      colour: 'red',
    });
    const paths = errors.map((e) => e.slice(0, e.indexOf(':')));
    expect(paths).toEqual(
      expect.arrayContaining([
        'id',
        'version',
        'severity',
        'legalBasis',
        'trigger.kinds[0]',
        'finding.type',
        'finding.label.zh',
        '(root)',
      ]),
    );
    expect(errors).toContain(
      'severity: unknown severity "urgent" (expected one of low, medium, high, critical)',
    );
    expect(errors.find((e) => e.startsWith('(root)'))).toContain('colour');
  });

  it('refuses malformed conditions', () => {
    expect(errorsOf(rule({ condition: undefined }))).toEqual([
      'condition: is required (use { "always": true } for none)',
    ]);
    expect(errorsOf(rule({ condition: { all: [] } }))).toEqual([
      'condition.all: expected a non-empty list of conditions',
    ]);
    expect(
      errorsOf(
        rule({ condition: { any: [{ field: 'record.penalty.fineAmount', op: 'gt', value: 1, all: [] }] } }),
      )[0],
    ).toMatch(/^condition\.any\[0\]: a condition has exactly one of/);
    expect(
      errorsOf(
        rule({ condition: { not: { field: 'record.penalty.fineAmount', op: 'bigger', value: 1 } } }),
      )[0],
    ).toMatch(/^condition\.not\.op: unknown operator 'bigger'/);
    expect(errorsOf(rule({ condition: { always: false } }))).toEqual(['condition.always: must be true']);
    expect(
      errorsOf(
        rule({ condition: { field: 'record.penalty.fineAmount', op: 'gt', value: 1, values: [2] } }),
      )[0],
    ).toMatch(/^condition: unexpected key 'values'/);
    expect(errorsOf(rule({ condition: 'fineAmount > 1' }))[0]).toMatch(
      /^condition: expected a condition object/,
    );
    expect(errorsOf(42)).toEqual(['(root): expected a rule object, got 42']);
  });

  it('still checks the condition when another part of the rule is broken', () => {
    const errors = errorsOf(
      rule({ severity: 'urgent', condition: { field: 'record.penalty.fine', op: 'gt', value: 1 } }),
    );
    expect(errors).toHaveLength(2);
  });
});

describe('loadRuleSet', () => {
  it('returns the validated rules in order', () => {
    const rules = loadRuleSet([rule({ id: 'a' }), rule({ id: 'b' })], opts);
    expect(rules.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('throws naming the rule id and the path', () => {
    const load = () =>
      loadRuleSet(
        [
          rule({ id: 'good' }),
          rule({ id: 'bad-fine', condition: { field: 'record.penalty.fine', op: 'gt', value: 1 } }),
        ],
        opts,
      );
    expect(load).toThrow(RuleSetError);
    expect(load).toThrow(/rule 'bad-fine': condition\.field: unknown field 'record\.penalty\.fine'/);
  });

  it('names a rule without a readable id by its position, and refuses duplicate ids', () => {
    expect(() => loadRuleSet([rule({ id: 'a' }), { version: 1 }], opts)).toThrow(/rule #2: /);
    expect(() => loadRuleSet([rule({ id: 'a' }), rule({ id: 'a' })], opts)).toThrow(
      /rule 'a': id: defined twice \(rules #1 and #2\)/,
    );
  });
});
