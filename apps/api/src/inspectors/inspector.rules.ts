import { ForbiddenError } from '@lianjian/common';
import { DOMAINS } from '@lianjian/domain';
import { checkRegionCode, regionPrefix } from '@lianjian/reference';
import { can, inJurisdiction, principalJurisdiction, type Principal } from '@lianjian/access';

// Who may see and maintain which inspectors (执法检查人员名录库), and what an inspector's domains and
// region may be, as plain functions so the rules are unit-tested without a database. Each problem
// carries its reason in zh and en; the service answers them as 400 (one request) or lists them per
// row (a CSV import).

export interface Reason {
  zh: string;
  en: string;
}
export interface FieldProblem {
  column: string;
  reason: Reason;
}
export interface DepartmentScope {
  code: string;
  domains: string[];
  regionCode: string;
}

const KNOWN_DOMAINS = new Set<string>(DOMAINS);

// Domains: of the vocabulary (DOMAINS of @lianjian/domain) and among the department's own (an
// inspector enforces what their department enforces).
export function domainProblems(dept: DepartmentScope, domains: string[], column = 'domains'): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!domains.length)
    out.push({ column, reason: { zh: '至少需要一个执法领域', en: 'at least one domain is required' } });
  for (const d of domains) {
    if (!KNOWN_DOMAINS.has(d))
      out.push({
        column,
        reason: {
          zh: `“${d}”不是有效的执法领域`,
          en: `'${d}' is not a domain (one of ${DOMAINS.join(', ')})`,
        },
      });
    else if (!dept.domains.includes(d))
      out.push({
        column,
        reason: {
          zh: `部门 ${dept.code} 不负责执法领域“${d}”（其领域：${dept.domains.join('、') || '无'}）`,
          en: `department ${dept.code} does not enforce '${d}' (its domains: ${dept.domains.join(', ') || 'none'})`,
        },
      });
  }
  return out;
}

// Region: a known GB/T 2260 code within the department's region (a county department's inspectors
// work in the county, a city department's anywhere in the city).
export function regionProblems(
  dept: DepartmentScope,
  regionCode: string,
  column = 'regionCode',
): FieldProblem[] {
  const check = checkRegionCode(regionCode);
  if (!check.valid) return [{ column, reason: check.reason! }];
  if (!regionCode.startsWith(regionPrefix(dept.regionCode)))
    return [
      {
        column,
        reason: {
          zh: `行政区划 ${regionCode} 不在部门 ${dept.code} 的辖区 ${dept.regionCode} 内`,
          en: `region ${regionCode} is outside department ${dept.code}'s region ${dept.regionCode}`,
        },
      },
    ];
  return [];
}

// Maintaining the directory (inspectors:manage): only for the department the caller acts for.
export function assertActsFor(caller: Principal, departmentCode: string): void {
  if (!can(caller, 'inspectors:manage'))
    throw new ForbiddenError(
      'your role may not maintain the inspector directory (needs inspectors:manage) / 无权维护执法检查人员名录',
    );
  const own = caller.kind === 'user' ? caller.departmentCode : null;
  if (own !== departmentCode)
    throw new ForbiddenError(
      `only a department's own officers maintain its inspectors, and you act for ${own ?? 'no department'} / 只能维护本部门的执法检查人员`,
    );
}

// What of the directory a caller sees (planning:read). Officers act for one department and see its
// inspectors only (as they see only its deliveries and case tasks): the directory holds other
// departments' staff and their phones. Everyone else sees the inspectors whose region is within
// their jurisdiction. null: nothing (an API key, an officer of no department).
export function readScope(caller: Principal): { departmentCode?: string; regionPrefix: string } | null {
  const prefix = principalJurisdiction(caller);
  if (prefix === null || caller.kind !== 'user') return null;
  if (caller.role === 'department_officer')
    return caller.departmentCode ? { departmentCode: caller.departmentCode, regionPrefix: '' } : null;
  return { regionPrefix: prefix };
}

export function assertMaySee(
  caller: Principal,
  inspector: { id: string; departmentCode: string; regionCode: string },
): void {
  const scope = readScope(caller);
  if (!scope) throw new ForbiddenError('you may not read the inspector directory / 无权查看执法检查人员名录');
  if (scope.departmentCode !== undefined && scope.departmentCode !== inspector.departmentCode)
    throw new ForbiddenError(
      `inspector ${inspector.id} is of another department: officers see their own department's inspectors / 只能查看本部门的执法检查人员`,
    );
  if (!inJurisdiction(scope.regionPrefix, inspector.regionCode))
    throw new ForbiddenError(
      `inspector ${inspector.id} is outside your jurisdiction ${scope.regionPrefix || 'national'} / 该执法人员不在您的辖区内`,
    );
}

// How an API answer states problems: '<field>: <en> / <zh>'.
export const problemText = (p: FieldProblem) => `${p.column}: ${p.reason.en} / ${p.reason.zh}`;
