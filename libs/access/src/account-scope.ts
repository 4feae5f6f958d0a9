import { jurisdictionPrefix } from './jurisdiction';
import { ROLE_LABELS, ROLE_RANK, type Role } from './roles';

// Who may create, disable or enable whom (issue 13, finding 4): a user only within the manager's
// jurisdiction (a national manager anywhere; a national user only by a national manager), only at or
// below the manager's role, and never themselves. An answer is the reason in English and Chinese,
// or null when allowed.
export interface AccountHolder {
  id?: string;
  role: Role;
  regionCode: string | null; // null: national (全国)
}

export function regionOutside(
  manager: { regionCode: string | null },
  regionCode: string | null,
): string | null {
  const prefix = jurisdictionPrefix(manager.regionCode);
  if (prefix === '') return null;
  if (regionCode === null)
    return `only a national administrator grants or changes a national jurisdiction; yours is ${manager.regionCode} / 只有全国管理员可以授予或变更全国辖区`;
  if (!regionCode.startsWith(prefix))
    return `region ${regionCode} is outside your jurisdiction ${manager.regionCode} / 超出您的辖区范围`;
  return null;
}

export function manageProblem(manager: AccountHolder, target: AccountHolder): string | null {
  if (manager.id !== undefined && manager.id === target.id)
    return 'you may not do this to your own account / 不能对自己的账号执行此操作';
  if (ROLE_RANK[target.role] > ROLE_RANK[manager.role])
    return `a ${ROLE_LABELS[manager.role].en} may not manage a ${ROLE_LABELS[target.role].en} / 不能管理高于自身角色的用户`;
  return regionOutside(manager, target.regionCode);
}
