// 待复核申请: requests to create, disable, enable an administrator (三员) or reset their second factor,
// which another security administrator confirms (二人复核, four-eyes principle). What the list's
// filter asks the API, and what the caller may do to a request. The API decides every request again
// (it refuses the requester's own confirmation); this only keeps the screen honest.

export const REQUEST_STATUSES = ['pending', 'confirmed', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type RequestFilter = RequestStatus | 'all';
export type RequestAction = 'user.create' | 'user.disable' | 'user.enable' | 'user.totp-reset';

// The filter as GET /api/v1/admin-requests's query: no status for all of them.
export function requestQuery(filter: RequestFilter | null | undefined): { status?: RequestStatus } {
  return filter && filter !== 'all' && (REQUEST_STATUSES as readonly string[]).includes(filter)
    ? { status: filter }
    : {};
}

// The filter read from the URL (?status=): pending unless it names another one (or all).
export function requestFilterOf(v: string | null | undefined): RequestFilter {
  return v === 'all' || (REQUEST_STATUSES as readonly string[]).includes(v ?? '')
    ? (v as RequestFilter)
    : 'pending';
}

export interface RequestLike {
  status: RequestStatus;
  requestedBy: string;
}

// What the caller may do to a request: a pending one is confirmed by another security administrator
// only (`confirm` false with `why: 'own'` for the requester's own), withdrawn by its requester or
// declined by another one (`withdraw`, `declines`); a settled one is done (`why: 'settled'`).
export function requestActions(
  caller: { username?: string } | null | undefined,
  r: RequestLike,
): { confirm: boolean; withdraw: boolean; own: boolean; declines: boolean; why: 'own' | 'settled' | null } {
  const own = !!caller?.username && caller.username === r.requestedBy;
  if (r.status !== 'pending')
    return { confirm: false, withdraw: false, own, declines: false, why: 'settled' };
  if (!caller?.username) return { confirm: false, withdraw: false, own, declines: false, why: null };
  return { confirm: !own, withdraw: true, own, declines: !own, why: own ? 'own' : null };
}

// The pending ones the caller may confirm (the tab's count).
export function awaitingMe(
  caller: { username?: string } | null | undefined,
  rs: readonly RequestLike[],
): number {
  return rs.filter((r) => requestActions(caller, r).confirm).length;
}
