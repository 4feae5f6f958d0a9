import { ForbiddenError } from '@lianjian/common';
import {
  inJurisdiction,
  narrowRegion,
  ownDepartmentOnly,
  principalJurisdiction,
  type Principal,
} from '@lianjian/access';

// Row-level scoping, applied by controllers and services once the guard has let the route through:
// jurisdiction (辖区) for entities and lists, the caller's own department for deliveries and tasks,
// the key's sources for ingestion.

export function assertEntityVisible(caller: Principal, regionCode: string | null | undefined): void {
  const prefix = principalJurisdiction(caller);
  if (prefix === null)
    throw new ForbiddenError('API keys do not read entity profiles / 接口密钥不能查看主体档案');
  if (!inJurisdiction(prefix, regionCode))
    throw new ForbiddenError(
      `this entity is outside your jurisdiction ${prefix || 'national'} / 该主体不在您的辖区内`,
    );
}

// The region filter of a list, narrowed to the caller's jurisdiction ('' = everywhere).
export function regionScope(caller: Principal, requested: string | undefined): string {
  const prefix = principalJurisdiction(caller);
  if (prefix === null) throw new ForbiddenError('API keys do not read lists of entities');
  const region = narrowRegion(prefix, requested);
  if (region === undefined)
    throw new ForbiddenError(`region ${requested} is outside your jurisdiction ${prefix} / 超出辖区范围`);
  return region;
}

// Officers and API keys act for their own department only.
export function assertOwnDepartment(caller: Principal, departmentCode: string, what: string): void {
  const own = ownDepartmentOnly(caller);
  if (own !== null && own !== departmentCode)
    throw new ForbiddenError(`${what} belongs to ${departmentCode}; you act for ${own} / 只能处理本部门事项`);
}

// Ingestion: an API key sends only for the sources it is scoped to; an officer only for a profile of
// their department. Which department owns a free-form source and what each record may name is decided
// by the ingestion lib for every path (@lianjian/ingestion send-policy, SourceBindings).
export function assertMaySend(
  caller: Principal,
  source: string,
  profileDepartment: string | undefined,
): void {
  if (caller.kind === 'apiKey') {
    if (!caller.sources.includes(source))
      throw new ForbiddenError(
        `this API key may send only for ${caller.sources.join(', ')}, not ${source} / 接口密钥无权报送该数据源`,
      );
    return;
  }
  if (caller.role !== 'department_officer') return;
  const own = caller.departmentCode;
  if (profileDepartment && profileDepartment !== own)
    throw new ForbiddenError(
      `you may send only your department's (${own ?? '-'}) records / 只能报送本部门数据`,
    );
}

// A departmental system reads the batches of its own sources only.
export function assertMayReadSource(caller: Principal, source: string): void {
  if (caller.kind === 'apiKey' && !caller.sources.includes(source))
    throw new ForbiddenError(
      `batch of source ${source}: this API key is scoped to ${caller.sources.join(', ')}`,
    );
}
