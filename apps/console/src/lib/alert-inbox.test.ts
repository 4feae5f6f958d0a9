import { describe, expect, it } from 'vitest';
import {
  alertFilterFromSearch,
  alertFilterToQuery,
  alertFilterToSearch,
  applicable,
  casePlan,
  deliverySla,
  mayDo,
  runEach,
  snoozeUntil,
  whyRouted,
  type InboxAlert,
} from './alert-inbox';

const DEPT = '330106-SAMR';
const alert = (over: Partial<InboxAlert> = {}): InboxAlert => ({
  id: '1',
  status: 'open',
  severity: 'high',
  snoozedUntil: null,
  caseId: null,
  entity: { key: '91330106MA2H3K4L5X', name: '某公司' },
  deliveries: [
    { department: DEPT, status: 'delivered', acknowledgedAt: null, dueAt: '2026-12-03T12:00:00Z' },
  ],
  ...over,
});
const NOW = Date.parse('2026-12-03T09:30:00Z');

describe('alert filter', () => {
  it('goes to the URL and back, dropping what is not a known value', () => {
    const f = {
      severity: 'high' as const,
      rule: 'penalty-joint',
      state: 'open' as const,
      acknowledged: false,
    };
    const s = alertFilterToSearch(f);
    expect(s).toBe('severity=high&rule=penalty-joint&state=open&acknowledged=false');
    expect(alertFilterFromSearch(new URLSearchParams(s))).toEqual({ ...f, entity: undefined });
    expect(
      alertFilterFromSearch(new URLSearchParams('severity=urgent&state=gone&acknowledged=maybe&rule=%20')),
    ).toEqual({
      severity: undefined,
      rule: undefined,
      state: undefined,
      acknowledged: undefined,
      entity: undefined,
    });
  });

  it('becomes the API query: state is status, acknowledged a string, the cursor when paging', () => {
    expect(alertFilterToQuery({ state: 'closed', acknowledged: true }, '42', 20)).toEqual({
      status: 'closed',
      acknowledged: 'true',
      cursor: '42',
      limit: 20,
    });
    expect(alertFilterToQuery({}, undefined, 20)).toEqual({ limit: 20 });
  });
});

describe('acknowledgement SLA of a delivery', () => {
  it('counts down to the due time, then past it', () => {
    const s = deliverySla(alert(), DEPT, NOW);
    expect(s).toEqual({
      state: 'running',
      countdown: { overdue: false, days: 0, hours: 2, minutes: 30, urgent: false },
    });
    const late = deliverySla(alert(), DEPT, Date.parse('2026-12-03T13:00:30Z'));
    expect(late).toMatchObject({
      state: 'running',
      countdown: { overdue: true, hours: 1, minutes: 1, urgent: true },
    });
  });

  it('stops once acknowledged, closed or snoozed; nothing for another department', () => {
    const ackd = alert({
      deliveries: [
        { department: DEPT, status: 'acknowledged', acknowledgedAt: '2026-12-03T08:00:00Z', dueAt: null },
      ],
    });
    expect(deliverySla(ackd, DEPT, NOW)).toEqual({ state: 'acknowledged', at: '2026-12-03T08:00:00Z' });
    expect(deliverySla(alert({ status: 'closed' }), DEPT, NOW)).toEqual({ state: 'closed' });
    expect(deliverySla(alert({ snoozedUntil: '2026-12-10T01:00:00Z' }), DEPT, NOW)).toEqual({
      state: 'snoozed',
      until: '2026-12-10T01:00:00Z',
    });
    // A snooze that ended: the clock runs again.
    expect(deliverySla(alert({ snoozedUntil: '2026-12-01T00:00:00Z' }), DEPT, NOW).state).toBe('running');
    expect(deliverySla(alert(), '330106-TAX', NOW)).toEqual({ state: 'none' });
    expect(deliverySla(alert(), null, NOW)).toEqual({ state: 'none' });
  });
});

describe('bulk actions', () => {
  it('offers each action to the roles the API allows it', () => {
    const officer = ['alerts:read', 'alerts:ack', 'alerts:snooze'];
    const coordinator = ['alerts:read', 'alerts:manage', 'cases:manage'];
    expect(['ack', 'snooze', 'close'].filter((a) => mayDo(a as 'ack', officer))).toEqual(['ack', 'snooze']);
    expect(['ack', 'snooze', 'close'].filter((a) => mayDo(a as 'ack', coordinator))).toEqual([
      'snooze',
      'close',
    ]);
    expect(mayDo('snooze', ['alerts:read'])).toBe(false);
  });

  it('applies to the selected alerts it can act on', () => {
    const open = alert({ id: '1' });
    const acked = alert({
      id: '2',
      deliveries: [{ department: DEPT, status: 'acknowledged', acknowledgedAt: 'x', dueAt: null }],
    });
    const closed = alert({ id: '3', status: 'closed' });
    const ids = (xs: InboxAlert[]) => xs.map((a) => a.id);
    expect(ids(applicable('ack', [open, acked, closed], DEPT))).toEqual(['1', '3']);
    expect(ids(applicable('ack', [open], '330106-TAX'))).toEqual([]);
    expect(ids(applicable('snooze', [open, acked, closed], DEPT))).toEqual(['1', '2']);
    expect(ids(applicable('close', [open, acked, closed], DEPT))).toEqual(['1', '2']);
  });

  it('runs alert by alert, keeps each answer in order and goes on after a refusal', async () => {
    const seen: string[] = [];
    const results = await runEach(
      ['1', '2', '3', '4', '5'],
      async (id) => {
        seen.push(id);
        await new Promise((r) => setTimeout(r, 6 - Number(id)));
        if (id === '2') throw { error: { code: 'conflict', message: 'alert 2 is closed / 已办结' } };
        if (id === '4') throw new Error('offline');
      },
      2,
    );
    expect(seen.sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(results).toEqual([
      { alertId: '1', ok: true },
      { alertId: '2', ok: false, error: { code: 'conflict', message: 'alert 2 is closed / 已办结' } },
      { alertId: '3', ok: true },
      { alertId: '4', ok: false, error: { code: 'network', message: 'offline' } },
      { alertId: '5', ok: true },
    ]);
    expect(await runEach([], async () => undefined)).toEqual([]);
  });
});

describe('a case from selected alerts', () => {
  it('needs one entity, alerts in no case yet, and open', () => {
    const a = alert({ id: '1' });
    const b = alert({ id: '2' });
    expect(casePlan([a, b])).toEqual({ ok: true, entityKey: '91330106MA2H3K4L5X', alertIds: ['1', '2'] });
    expect(casePlan([])).toEqual({ ok: false, why: 'none', ids: [] });
    expect(casePlan([a, alert({ id: '3', entity: { key: 'other', name: null } })])).toEqual({
      ok: false,
      why: 'entities',
      ids: ['91330106MA2H3K4L5X', 'other'],
    });
    expect(casePlan([a, alert({ id: '4', entity: null })])).toMatchObject({ why: 'feed', ids: ['4'] });
    expect(casePlan([a, alert({ id: '5', caseId: '9' })])).toMatchObject({ why: 'inCase', ids: ['5'] });
    expect(casePlan([alert({ id: '6', status: 'closed' })])).toMatchObject({ why: 'closed', ids: ['6'] });
  });
});

describe('why did we get this', () => {
  it('reads the rule, its reasons, legal basis and routing from the explanation and our delivery', () => {
    const reason = { zh: '实体所在地属本部门辖区', en: 'the entity is in our jurisdiction' };
    const w = whyRouted(
      alert({
        explanation: {
          rule: { id: 'penalty-joint', version: 2, name: { zh: '行政处罚联动', en: 'Joint penalty' } },
          why: [{ zh: '受到行政处罚', en: 'penalised' }],
          legalBasis: [{ zh: '《备忘录》', en: 'Memorandum' }, 'not text'],
          routing: [
            { department: DEPT, reason },
            { department: null, reason: { zh: '无', en: 'none' } },
            { department: 'x' },
          ],
        },
        deliveries: [{ department: DEPT, status: 'delivered', reason, acknowledgedAt: null, dueAt: null }],
      }),
      DEPT,
    );
    expect(w).toEqual({
      rule: { id: 'penalty-joint', version: 2, name: { zh: '行政处罚联动', en: 'Joint penalty' } },
      why: [{ zh: '受到行政处罚', en: 'penalised' }],
      legalBasis: [{ zh: '《备忘录》', en: 'Memorandum' }],
      ours: reason,
      routing: [
        { department: DEPT, reason },
        { department: null, reason: { zh: '无', en: 'none' } },
      ],
    });
  });

  it('says nothing it was not told (a feed alert explains itself otherwise)', () => {
    expect(whyRouted(alert({ explanation: { source: 'x' } }), DEPT)).toEqual({
      rule: null,
      why: [],
      legalBasis: [],
      ours: null,
      routing: [],
    });
  });
});

describe('snooze until', () => {
  it('is 09:00 Beijing time N days on', () => {
    // 2026-12-03 17:30 Beijing → 2026-12-10 09:00 Beijing.
    expect(snoozeUntil(7, NOW)).toBe('2026-12-10T01:00:00.000Z');
    // Just after midnight Beijing (still the 3rd in UTC) counts from the 4th.
    expect(snoozeUntil(1, Date.parse('2026-12-03T16:30:00Z'))).toBe('2026-12-05T01:00:00.000Z');
  });
});
