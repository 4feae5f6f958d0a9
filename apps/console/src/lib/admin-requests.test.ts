import { describe, expect, it } from 'vitest';
import { awaitingMe, requestActions, requestFilterOf, requestQuery } from './admin-requests';

describe('the pending requests’ filter (待复核申请)', () => {
  it('asks for one status, or for all of them without a status', () => {
    expect(requestQuery('pending')).toEqual({ status: 'pending' });
    expect(requestQuery('withdrawn')).toEqual({ status: 'withdrawn' });
    expect(requestQuery('all')).toEqual({});
    expect(requestQuery(null)).toEqual({});
  });

  it('reads the URL’s status, pending by default', () => {
    expect(requestFilterOf(null)).toBe('pending');
    expect(requestFilterOf('confirmed')).toBe('confirmed');
    expect(requestFilterOf('all')).toBe('all');
    expect(requestFilterOf('declined')).toBe('pending');
  });
});

describe('what a security administrator may do to a request (二人复核)', () => {
  const mine = { status: 'pending' as const, requestedBy: 'zhao.min' };
  const theirs = { status: 'pending' as const, requestedBy: 'sun.hao' };

  it('lets another security administrator confirm or decline a pending request', () => {
    expect(requestActions({ username: 'zhao.min' }, theirs)).toEqual({
      confirm: true,
      withdraw: true,
      own: false,
      declines: true,
      why: null,
    });
  });

  it('lets the requester withdraw their own request but not confirm it', () => {
    expect(requestActions({ username: 'zhao.min' }, mine)).toEqual({
      confirm: false,
      withdraw: true,
      own: true,
      declines: false,
      why: 'own',
    });
  });

  it('offers nothing on a settled request, nor without a caller', () => {
    for (const status of ['confirmed', 'withdrawn'] as const)
      expect(requestActions({ username: 'zhao.min' }, { ...theirs, status })).toMatchObject({
        confirm: false,
        withdraw: false,
        why: 'settled',
      });
    expect(requestActions(null, theirs)).toMatchObject({ confirm: false, withdraw: false });
  });

  it('counts the pending requests awaiting the caller’s confirmation', () => {
    const settled = { ...theirs, status: 'confirmed' as const };
    expect(awaitingMe({ username: 'zhao.min' }, [mine, theirs, settled, theirs])).toBe(2);
    expect(awaitingMe({ username: 'sun.hao' }, [mine, theirs, settled])).toBe(1);
  });
});
