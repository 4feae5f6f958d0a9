import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError } from '@lianjian/common';
import { AlertRepository, type AlertListFilter, type AlertView } from '@lianjian/database';
import { ownDepartmentOnly, principalJurisdiction, type Principal } from '@lianjian/access';

// Which alerts a caller may see: officers and departmental systems those delivered to their
// department (and only that delivery); everyone else those in their jurisdiction (辖区).
export function alertScope(caller: Principal): Pick<AlertListFilter, 'regionPrefix' | 'onlyDepartment'> {
  const own = ownDepartmentOnly(caller);
  if (own) return { onlyDepartment: own };
  const prefix = principalJurisdiction(caller);
  return prefix ? { regionPrefix: prefix } : {};
}

@Injectable()
export class AlertAccess {
  constructor(private readonly alerts: AlertRepository) {}

  // The alert as the caller may see it: 404 when there is none, 403 when it is not theirs to see.
  async visible(caller: Principal, id: string): Promise<AlertView> {
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no alert ${id}`);
    const [scoped] = await this.alerts.list({ id, limit: 1, ...alertScope(caller) });
    if (scoped) return scoped;
    const [any] = await this.alerts.list({ id, limit: 1 });
    if (!any) throw new NotFoundError(`no alert ${id}`);
    throw new ForbiddenError(
      `alert ${id} is outside your department or jurisdiction / 该预警不在您的权限范围内`,
    );
  }
}
