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

  // A delivery's attempt log and its redelivery (补发): officers and departmental systems reach their
  // own department's delivery only; everyone else a delivery to a department in their jurisdiction
  // (辖区), or any delivery of an alert about an entity there. Anything else is answered exactly as a
  // missing delivery (404): neither another receiver's status or error, nor that the alert exists.
  async deliveryVisible(caller: Principal, id: string, department: string): Promise<void> {
    const own = ownDepartmentOnly(caller);
    const prefix = own === null ? (principalJurisdiction(caller) ?? '') : '';
    const reachable =
      /^\d{1,18}$/.test(id) &&
      (own === null || own === department) &&
      (await this.alerts.deliveryInJurisdiction(id, department, prefix));
    if (!reachable) throw noDelivery(id, department);
  }
}

export function noDelivery(id: string, department: string): NotFoundError {
  return new NotFoundError(
    `alert ${id} has no delivery to department ${department} / 该预警没有发往该部门的推送`,
  );
}
