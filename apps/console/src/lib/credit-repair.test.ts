import { describe, expect, it } from 'vitest';
import {
  decideBlock,
  repairableRecords,
  repairActions,
  repairFilterFromSearch,
  repairFilterToQuery,
  repairFilterToSearch,
  repairFormToBody,
} from './credit-repair';

const officer = {
  username: 'officer-tax',
  departmentCode: '330106-TAX',
  permissions: ['entities:read', 'repair:file', 'repair:decide'],
};
const coordinator = { username: 'coord', departmentCode: null, permissions: ['repair:file'] };
const request = (over: Partial<{ status: string; filedBy: string; dept: string }> = {}) => ({
  status: over.status ?? 'pending',
  filedBy: over.filedBy ?? 'coord',
  record: { departmentCode: over.dept ?? '330106-TAX' },
});

describe('the credit repair filter', () => {
  it('defaults to the pending requests of the caller’s department', () => {
    const f = repairFilterFromSearch(new URLSearchParams(''), officer);
    expect(f).toEqual({ status: 'pending', mine: true });
    expect(repairFilterToSearch(f, officer)).toBe('');
    expect(repairFilterToQuery(f, officer, undefined, 20)).toEqual({
      status: 'pending',
      department: '330106-TAX',
      limit: 20,
    });
  });

  it('round-trips another state and every department through the URL, with the cursor', () => {
    const f = repairFilterFromSearch(new URLSearchParams('status=approved&department=all'), officer);
    expect(f).toEqual({ status: 'approved', mine: false });
    expect(repairFilterToSearch(f, officer)).toBe('status=approved&department=all');
    expect(repairFilterToQuery(f, officer, '41', 20)).toEqual({
      status: 'approved',
      limit: 20,
      cursor: '41',
    });
    const all = repairFilterFromSearch(new URLSearchParams('status=all'), officer);
    expect(repairFilterToQuery(all, officer, undefined, 20)).toEqual({ department: '330106-TAX', limit: 20 });
  });

  it('ignores an unknown state, and a caller without a department lists the whole jurisdiction', () => {
    expect(repairFilterFromSearch(new URLSearchParams('status=lost'), officer).status).toBe('pending');
    const f = repairFilterFromSearch(new URLSearchParams(''), coordinator);
    expect(f.mine).toBe(false);
    expect(repairFilterToSearch(f, coordinator)).toBe('');
    expect(repairFilterToQuery(f, coordinator, undefined, 20)).toEqual({ status: 'pending', limit: 20 });
  });
});

describe('who may do what with a request', () => {
  it('explains before trying why the filer or another department may not decide', () => {
    expect(decideBlock(officer, request())).toBeNull();
    expect(decideBlock(officer, request({ filedBy: 'officer-tax' }))).toBe('filer');
    expect(decideBlock(officer, request({ dept: '330106-SAMR' }))).toBe('department');
    expect(decideBlock(officer, request({ status: 'approved' }))).toBe('closed');
    expect(decideBlock(coordinator, request())).toBe('role');
  });

  it('offers deciding to deciders of a pending request and withdrawing to its filer only', () => {
    expect(repairActions(officer, request())).toEqual({ decide: true, withdraw: false });
    // The filer who may decide is offered both: the API refuses the decision (四眼原则) where they try.
    expect(repairActions(officer, request({ filedBy: 'officer-tax' }))).toEqual({
      decide: true,
      withdraw: true,
    });
    expect(repairActions(coordinator, request())).toEqual({ decide: false, withdraw: true });
    expect(repairActions(coordinator, request({ status: 'rejected' }))).toEqual({
      decide: false,
      withdraw: false,
    });
  });
});

describe('filing a request', () => {
  it('offers the records that may stop counting: not registration, not repaired, none pending', () => {
    const records = [
      { id: '1', kind: 'registration' },
      { id: '2', kind: 'penalty', repaired: false },
      { id: '3', kind: 'penalty', repaired: true },
      { id: '4', kind: 'listing' },
      { id: '5', kind: 'inspection' },
    ];
    const requests = [
      { status: 'pending', record: { id: '4' } },
      { status: 'rejected', record: { id: '5' } },
    ];
    expect(repairableRecords(records, requests).map((r) => r.id)).toEqual(['2', '5']);
  });

  it('sends the form trimmed, evidence only when given', () => {
    expect(
      repairFormToBody({ recordId: '7', type: 'objection', reason: '  记录有误 ', evidence: ' ' }),
    ).toEqual({
      recordId: '7',
      type: 'objection',
      reason: '记录有误',
    });
    expect(repairFormToBody({ recordId: '7', reason: 'x', evidence: ' 整改报告 ' })).toEqual({
      recordId: '7',
      type: 'repair',
      reason: 'x',
      evidence: '整改报告',
    });
    // Nothing typed: the API answers with its reasons next to the fields.
    expect(repairFormToBody({})).toEqual({ recordId: '', type: 'repair', reason: '' });
  });
});
