import { ForbiddenError, InvalidInputError } from '@lianjian/common';
import { actorName, can, principalJurisdiction, inJurisdiction, type Principal } from '@lianjian/access';

// Who may do what with a credit repair request (信用修复 / 异议), as plain functions over the caller
// and the rows, so the rules are unit-tested without a database. Each throws the error the API
// answers with: 403 (ForbiddenError) for who, 400 (InvalidInputError) for what.

export function assertInJurisdiction(caller: Principal, regionCode: string | null, what: string): void {
  const prefix = principalJurisdiction(caller);
  if (prefix === null)
    throw new ForbiddenError('API keys do not handle credit repair / 接口密钥不能办理信用修复');
  if (!inJurisdiction(prefix, regionCode))
    throw new ForbiddenError(
      `${what} is outside your jurisdiction ${prefix || 'national'} / 该主体不在您的辖区内`,
    );
}

// Filing: staff with repair:file, for an entity in their jurisdiction, about a record that can stop
// counting. Registration records are master data (who the entity is), not a finding against it:
// they are corrected by the registration authority sending a new registration record.
export function assertMayFile(caller: Principal, record: { kind: string; regionCode: string | null }): void {
  if (!can(caller, 'repair:file'))
    throw new ForbiddenError(
      'your role may not file credit repair requests (needs repair:file) / 无权提交信用修复申请',
    );
  assertInJurisdiction(caller, record.regionCode, 'this record');
  if (record.kind === 'registration')
    throw new InvalidInputError(
      'registration records cannot be repaired or objected to (登记信息不适用信用修复)',
      [
        'recordId: a registration record is master data, not a finding against the entity; a wrong registration is corrected by the registration authority sending a corrected registration record',
      ],
    );
}

// Deciding (approve or reject): someone with repair:decide who acts for the record's department and
// did not file the request (四眼原则, also a database constraint).
export function assertMayDecide(
  caller: Principal,
  repair: { id: string; departmentCode: string; filedBy: string },
): void {
  if (!can(caller, 'repair:decide'))
    throw new ForbiddenError(
      'your role may not decide credit repair requests (needs repair:decide) / 无权审核信用修复申请',
    );
  const dept = caller.kind === 'user' ? caller.departmentCode : null;
  if (dept !== repair.departmentCode)
    throw new ForbiddenError(
      `request ${repair.id} is about another department's record: only that department decides it, and you act for ${dept ?? 'no department'} / 只能由记录所属部门审核`,
    );
  if (actorName(caller) === repair.filedBy)
    throw new ForbiddenError(
      `you filed request ${repair.id}: someone else of ${repair.departmentCode} must decide it (四眼原则：申请人不能审核自己的申请)`,
    );
}

// Withdrawing: only whoever filed it.
export function assertMayWithdraw(caller: Principal, repair: { id: string; filedBy: string }): void {
  if (actorName(caller) !== repair.filedBy)
    throw new ForbiddenError(
      `request ${repair.id} was filed by someone else: only whoever filed it may withdraw it / 只有申请人可以撤回申请`,
    );
}

// The day the record stops counting: by default today. On the record's own date at the earliest
// (an upheld objection: the record never counted); never in the future, since a decision takes effect
// when it is made and the re-score it triggers is as of today.
export function effectiveFrom(
  requested: string | undefined,
  recordOccurredAt: string,
  today: string,
): string {
  const day = requested ?? today;
  const problems: string[] = [];
  if (day < recordOccurredAt)
    problems.push(
      `effectiveFrom: ${day} is before the record's date ${recordOccurredAt} (生效日期不能早于记录日期)`,
    );
  if (day > today)
    problems.push(`effectiveFrom: ${day} is in the future; today is ${today} (生效日期不能晚于今天)`);
  if (problems.length) throw new InvalidInputError('invalid effective date (生效日期无效)', problems);
  return day;
}
