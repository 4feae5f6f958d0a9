import { describe, expect, it } from 'vitest';
import {
  caseActions,
  caseFilterFromSearch,
  caseFilterToQuery,
  caseFilterToSearch,
  CASE_STATES,
  eligibleFor,
  EMPTY_CASE_FILTER,
  groupByState,
  reportBody,
  reportFieldErrors,
  taskAction,
} from './case-board';

const coordinator = { permissions: ['cases:read', 'cases:manage'], departmentCode: '330106-SAMR' };
const taxOfficer = { permissions: ['cases:read', 'cases:task'], departmentCode: '330106-TAX' };
const staff = { permissions: ['cases:read'], departmentCode: null };

describe('case board', () => {
  it('groups cases into one column per state, in the loop’s order, keeping the API’s order', () => {
    const cases = [
      { id: '5', state: 'closed' },
      { id: '4', state: 'open' },
      { id: '3', state: 'in_progress' },
      { id: '2', state: 'open' },
    ];
    const board = groupByState(cases);
    expect(Object.keys(board)).toEqual([...CASE_STATES]);
    expect(board.open.map((c) => c.id)).toEqual(['4', '2']);
    expect(board.in_progress.map((c) => c.id)).toEqual(['3']);
    expect(board.closed.map((c) => c.id)).toEqual(['5']);
    expect(board.dispatched).toEqual([]);
    expect(groupByState([]).awaiting_feedback).toEqual([]);
  });
});

describe('allowed moves', () => {
  it('offers a coordinator only the manual moves the state machine allows from the state', () => {
    expect(caseActions('open', coordinator)).toEqual(['dispatch', 'close']);
    expect(caseActions('reopened', coordinator)).toEqual(['dispatch', 'close']);
    expect(caseActions('dispatched', coordinator)).toEqual([]); // the departments move it on
    expect(caseActions('in_progress', coordinator)).toEqual([]);
    expect(caseActions('awaiting_feedback', coordinator)).toEqual(['close']);
    expect(caseActions('closed', coordinator)).toEqual(['reopen']);
    expect(caseActions('no_such_state', coordinator)).toEqual([]);
  });

  it('offers nothing to those who do not manage cases', () => {
    for (const s of CASE_STATES) {
      expect(caseActions(s, taxOfficer)).toEqual([]);
      expect(caseActions(s, staff)).toEqual([]);
    }
  });

  it('lets an officer accept then report only their own department’s task, while the case is out', () => {
    const task = (state: string) => ({ department: '330106-TAX', state });
    expect(taskAction('dispatched', task('pending'), taxOfficer)).toBe('accept');
    expect(taskAction('in_progress', task('pending'), taxOfficer)).toBe('accept');
    expect(taskAction('in_progress', task('accepted'), taxOfficer)).toBe('report');
    expect(taskAction('in_progress', task('reported'), taxOfficer)).toBeNull(); // final for the round
    expect(taskAction('awaiting_feedback', task('accepted'), taxOfficer)).toBeNull();
    expect(taskAction('closed', task('pending'), taxOfficer)).toBeNull();
    expect(taskAction('in_progress', { department: '330106-SAMR', state: 'pending' }, taxOfficer)).toBeNull();
    expect(taskAction('in_progress', task('pending'), coordinator)).toBeNull(); // not their task
    expect(
      taskAction('in_progress', task('pending'), { ...taxOfficer, permissions: ['cases:read'] }),
    ).toBeNull();
  });

  it('says which cases of a selection a bulk move applies to', () => {
    const cases = [
      { id: '1', state: 'open' },
      { id: '2', state: 'awaiting_feedback' },
      { id: '3', state: 'in_progress' },
      { id: '4', state: 'reopened' },
    ];
    expect(eligibleFor('dispatch', cases, coordinator).map((c) => c.id)).toEqual(['1', '4']);
    expect(eligibleFor('close', cases, coordinator).map((c) => c.id)).toEqual(['1', '2', '4']);
    expect(eligibleFor('close', cases, taxOfficer)).toEqual([]);
  });
});

describe('case table filter ⇄ URL ⇄ query', () => {
  it('round-trips canonically and forgives a hand-edited URL', () => {
    const f = { states: ['open', 'closed'] as const, entity: '91330106MA2B3C4D5E', overdue: true };
    const search = caseFilterToSearch({ ...f, states: [...f.states] });
    expect(search).toBe('state=open&state=closed&entity=91330106MA2B3C4D5E&overdue=true');
    expect(caseFilterFromSearch(search)).toEqual({ ...f, states: ['open', 'closed'] });
    expect(caseFilterFromSearch('state=closed,bogus&department=330106-TAX&overdue=maybe')).toEqual({
      states: ['closed'],
      department: '330106-TAX',
    });
    expect(caseFilterToSearch(EMPTY_CASE_FILTER)).toBe('');
  });

  it('asks the API for a page with the filter', () => {
    expect(caseFilterToQuery({ states: ['open'], overdue: false }, '42', 20)).toEqual({
      state: ['open'],
      overdue: 'false',
      cursor: '42',
      limit: 20,
    });
    expect(caseFilterToQuery(EMPTY_CASE_FILTER, undefined, 20)).toEqual({ limit: 20 });
  });
});

describe('report form', () => {
  it('builds the body the API reads, leaving empty optional fields out', () => {
    expect(
      reportBody({ verified: true, actionTaken: '已核查', recordKind: 'none', decisionNo: 'x' }),
    ).toEqual({
      verified: true,
      actionTaken: '已核查',
    });
    expect(
      reportBody({
        verified: false,
        actionTaken: '立案查处',
        recordKind: 'penalty',
        decisionNo: ' 杭西税罚〔2026〕8号 ',
        penaltyTypes: ['fine'],
        fineAmount: null,
        legalBasis: '',
      }),
    ).toEqual({
      verified: false,
      actionTaken: '立案查处',
      penalty: { decisionNo: '杭西税罚〔2026〕8号', penaltyTypes: ['fine'] },
    });
    expect(
      reportBody({ recordKind: 'inspection', inspectionResult: 'pass', occurredAt: '2026-12-01' }),
    ).toEqual({
      actionTaken: '',
      occurredAt: '2026-12-01',
      inspection: { result: 'pass' },
    });
  });

  it('puts the API’s reasons next to the inputs they are about', () => {
    expect(
      reportFieldErrors({
        verified: 'is required',
        'penalty.fineAmount': 'is required when penaltyTypes includes fine',
        'penalty.penaltyTypes[0]': 'unknown penalty type',
        departmentCode: 'unknown',
      }),
    ).toEqual({
      verified: 'is required',
      fineAmount: 'is required when penaltyTypes includes fine',
      penaltyTypes: 'unknown penalty type',
    });
  });
});
