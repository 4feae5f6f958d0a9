import type { RuleDefinition } from '../rule-definition.schema';
import {
  alertExplanation,
  inboxDeliveries,
  matching,
  recipients,
  ruleActor,
  type Recipient,
} from './finding';

const rule: RuleDefinition = {
  id: 'feed-stalled',
  version: 2,
  name: { zh: '数据源中断', en: 'feed stalled' },
  trigger: { type: 'feed_health' },
  condition: { field: 'feed.status', op: 'eq', value: 'stalled' },
  severity: 'medium',
  finding: { type: 'feed_interrupted', label: { zh: '数据中断', en: 'feed interrupted' } },
  legalBasis: [{ zh: '数据共享规定', en: 'data sharing rules' }],
};
const reason = { zh: '原因', en: 'reason' };
const sender: Recipient = {
  departmentCode: '330106-SAMR',
  level: 'source',
  explainedLevel: null,
  domains: [],
  reason,
};
const county: Recipient = { departmentCode: '330106-TAX', level: 'county', domains: ['tax'], reason };
const feed = { source: 'samr-330106', status: 'stalled' };

describe('the raise step: what every finding shares', () => {
  it('matches the rules a context satisfies, with their evaluations', () => {
    const stalled = matching([rule], { feed: { ...feed } as never, now: '2026-12-01' });
    expect(stalled.map((m) => m.rule.id)).toEqual(['feed-stalled']);
    expect(stalled[0].evaluation.matchedConditions).toEqual(["feed.status eq 'stalled' (actual: 'stalled')"]);
    expect(matching([rule], { feed: { ...feed, status: 'ok' } as never, now: '2026-12-01' })).toEqual([]);
  });

  it('delivers to the fixed recipients first, then to the routed ones not among them', () => {
    const routed = [{ ...county, departmentCode: '330106-SAMR', level: 'county' }, county];
    expect(recipients([sender], routed).map((d) => [d.departmentCode, d.level])).toEqual([
      ['330106-SAMR', 'source'],
      ['330106-TAX', 'county'],
    ]);
  });

  it("explains each recipient at its level, a feed's sender at none", () => {
    const ev = { matched: true, matchedConditions: ['c'], explanation: [reason] };
    const x = alertExplanation({ rule, evaluation: ev, trigger: { feed } }, [sender, county]);
    expect(x).toEqual({
      rule: { id: 'feed-stalled', version: 2, name: rule.name },
      finding: rule.finding,
      why: [reason],
      conditions: ['c'],
      legalBasis: rule.legalBasis,
      trigger: { feed },
      routing: [
        { department: '330106-SAMR', level: null, domains: [], reason },
        { department: '330106-TAX', level: 'county', domains: ['tax'], reason },
      ],
    });
    expect(inboxDeliveries([sender]).map((d) => [d.channel, d.level])).toEqual([['inbox', 'source']]);
  });

  it('says why a finding reached no department, and who raised it', () => {
    const ev = { matched: true, matchedConditions: [], explanation: [] };
    const nowhere = { text: { zh: '无', en: 'none' }, log: 'x' };
    expect(alertExplanation({ rule, evaluation: ev, trigger: null, nowhere }, []).routing).toEqual([
      { department: null, reason: nowhere.text },
    ]);
    expect(alertExplanation({ rule, evaluation: ev, trigger: null }, []).routing).toEqual([
      { department: null, reason: { zh: '未匹配到应联动的部门', en: 'no department to act' } },
    ]);
    expect(ruleActor(rule)).toBe('rule:feed-stalled@v2');
  });
});
