import { describe, expect, it } from 'vitest';
import { auditFilterFromSearch, auditFilterToQuery, auditFilterToSearch, nextDay } from './audit-filter';

describe('audit filter', () => {
  it('sends only what is filled, trimmed, with the days as China Standard Time instants', () => {
    expect(auditFilterToQuery({})).toEqual({ limit: 50 });
    expect(
      auditFilterToQuery(
        {
          actor: ' li.na ',
          action: 'POST /api/v1/cases',
          target: '  ',
          result: 'denied',
          since: '2026-03-01',
          until: '2026-03-31',
        },
        4711,
        20,
      ),
    ).toEqual({
      actor: 'li.na',
      action: 'POST /api/v1/cases',
      result: 'denied',
      since: '2026-03-01T00:00:00+08:00',
      // inclusive: the API's until is exclusive, so the next day's start
      until: '2026-04-01T00:00:00+08:00',
      limit: 20,
      cursor: 4711,
    });
  });

  it('drops a malformed day or outcome rather than send it', () => {
    expect(auditFilterToQuery({ since: '1.3.2026', result: 'maybe' as never })).toEqual({ limit: 50 });
  });

  it('counts days across month and year ends', () => {
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });

  it('round-trips through the URL, ignoring what it does not know', () => {
    const f = { actor: 'li.na', result: 'ok' as const, since: '2026-03-01', until: '2026-03-02' };
    const search = auditFilterToSearch(f);
    expect(search).toBe('actor=li.na&result=ok&since=2026-03-01&until=2026-03-02');
    expect(auditFilterFromSearch(new URLSearchParams(search))).toEqual(f);
    expect(auditFilterFromSearch(new URLSearchParams('result=nope&since=yesterday&x=1&target=+'))).toEqual(
      {},
    );
  });
});
