// 信用修复 (credit repair and objection requests): the screen's filter as the URL and the API's query,
// who may do what with a request (the API decides again: these only choose what to offer and what
// to explain before the user tries), which of an entity's records a request may be filed about, and
// the filing form as the API's body.

export const REPAIR_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];
export const REPAIR_TYPES = ['repair', 'objection'] as const;
export type RepairType = (typeof REPAIR_TYPES)[number];

// The screen's filter. `status` 'all' lists every state; `mine` limits the list to the caller's
// department's records (the requests that department decides), the default for who has one.
export interface RepairFilter {
  status: RepairStatus | 'all';
  mine: boolean;
}

export interface Caller {
  username?: string;
  departmentCode?: string | null;
  permissions: readonly string[];
}

const isStatus = (s: string | null): s is RepairStatus =>
  !!s && (REPAIR_STATUSES as readonly string[]).includes(s);

export function repairFilterFromSearch(q: URLSearchParams, caller: Caller): RepairFilter {
  const status = q.get('status');
  return {
    status: status === 'all' ? 'all' : isStatus(status) ? status : 'pending',
    mine: !!caller.departmentCode && q.get('department') !== 'all',
  };
}

// Only what differs from the default is in the URL.
export function repairFilterToSearch(f: RepairFilter, caller: Caller): string {
  const q = new URLSearchParams();
  if (f.status !== 'pending') q.set('status', f.status);
  if (!f.mine && caller.departmentCode) q.set('department', 'all');
  return q.toString();
}

export interface RepairListQuery {
  status?: RepairStatus;
  department?: string;
  limit: number;
  cursor?: string;
}

export function repairFilterToQuery(
  f: RepairFilter,
  caller: Caller,
  cursor: string | undefined,
  limit: number,
): RepairListQuery {
  const q: RepairListQuery = { limit };
  if (f.status !== 'all') q.status = f.status;
  if (f.mine && caller.departmentCode) q.department = caller.departmentCode;
  if (cursor) q.cursor = cursor;
  return q;
}

export interface RepairLike {
  status: string;
  filedBy: string;
  record: { departmentCode: string };
}

// Why the caller could not decide a request, before they try (the API answers the same with its
// reason): 'filer' (四眼原则), 'department' (another department's record), or null when they may.
export type DecideBlock = 'role' | 'closed' | 'filer' | 'department' | null;

export function decideBlock(caller: Caller, r: RepairLike): DecideBlock {
  if (!caller.permissions.includes('repair:decide')) return 'role';
  if (r.status !== 'pending') return 'closed';
  if (caller.username && caller.username === r.filedBy) return 'filer';
  if ((caller.departmentCode ?? null) !== r.record.departmentCode) return 'department';
  return null;
}

// What to offer on a request: approve and reject to whoever holds repair:decide while it is pending
// (a blocked decider still may try: the API's refusal is then shown where they tried), withdraw to
// its filer while it is pending.
export function repairActions(caller: Caller, r: RepairLike): { decide: boolean; withdraw: boolean } {
  const pending = r.status === 'pending';
  return {
    decide: pending && caller.permissions.includes('repair:decide'),
    withdraw:
      pending &&
      caller.permissions.includes('repair:file') &&
      !!caller.username &&
      caller.username === r.filedBy,
  };
}

export interface RecordLike {
  id: string;
  kind: string;
  repaired?: boolean;
}

// The records a request may be filed about: not registration records (master data, corrected by a
// new registration record), not repaired already, none with a request pending.
export function repairableRecords<R extends RecordLike>(
  records: readonly R[],
  requests: readonly { status: string; record: { id: string } }[],
): R[] {
  const pending = new Set(requests.filter((q) => q.status === 'pending').map((q) => q.record.id));
  return records.filter((r) => r.kind !== 'registration' && !r.repaired && !pending.has(r.id));
}

export interface RepairForm {
  recordId?: string;
  type?: RepairType;
  reason?: string;
  evidence?: string;
}

// The filing form as the API's body. Nothing is checked here beyond trimming: the API's validation
// reasons are shown next to the fields (an empty reason is the API's "say why").
export function repairFormToBody(f: RepairForm): {
  recordId: string;
  type: RepairType;
  reason: string;
  evidence?: string;
} {
  const evidence = f.evidence?.trim();
  return {
    recordId: f.recordId ?? '',
    type: f.type ?? 'repair',
    reason: f.reason?.trim() ?? '',
    ...(evidence ? { evidence } : {}),
  };
}
