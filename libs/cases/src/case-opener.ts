import { Injectable } from '@nestjs/common';
import { ConflictError } from '@lianjian/common';
import { CaseRepository } from '@lianjian/database';
import { ACTIVE_CASE_STATES } from './case-state';
import { defaultCaseTitle, dispatchDueAt, type CaseTypeDefinition } from './case-types';

// What a case is opened with (立案), by a coordinator (manual) or by an alert itself (auto, 自动立案).
export interface CaseOpening {
  origin: 'manual' | 'auto';
  type: CaseTypeDefinition;
  entity: { id: string; name: string | null; uscc: string | null; externalId: string | null };
  title?: string; // default: the type's label and the entity's name
  leadDepartment: string;
  departments: string[];
  alertIds: string[];
  actor: string;
  reason: string | null; // on the opening transition
}

export interface OpenedCase {
  caseId: string;
  joined: boolean; // the alerts joined the entity's active case instead of opening one
}

// The one way a case is opened, shared by the API and automatic opening: in one transaction, under
// a lock on the entity (so two openings about one entity never race), the alerts are checked to be
// in no case yet, the case is inserted (or, opened automatically, the entity's case still being
// worked on is joined), the alerts are added, and the opening transition is logged.
// - manual: an alert already in a case refuses the opening (ConflictError); nothing is written.
// - auto: an alert already in a case is left there (undefined): a rules job run twice, or the same
//   finding again, never gives an alert a second case.
@Injectable()
export class CaseOpener {
  constructor(private readonly cases: CaseRepository) {}

  open(o: CaseOpening & { origin: 'manual' }): Promise<OpenedCase>;
  open(o: CaseOpening & { origin: 'auto' }): Promise<OpenedCase | undefined>;
  async open(o: CaseOpening): Promise<OpenedCase | undefined> {
    const auto = o.origin === 'auto';
    const openedAt = new Date();
    return this.cases.transaction(async (tx) => {
      await tx.lockEntity(o.entity.id);
      const taken: string[] = [];
      for (const id of o.alertIds) if (await tx.alertInCase(id)) taken.push(id);
      if (taken.length) {
        if (auto) return undefined;
        throw raced(taken);
      }
      const active = auto ? await tx.lockActiveCaseOf(o.entity.id, ACTIVE_CASE_STATES) : undefined;
      const caseId =
        active ??
        (await tx.insertCase({
          caseType: o.type.id,
          entityId: o.entity.id,
          title: o.title ?? defaultCaseTitle(o.type, o.entity),
          leadDepartment: o.leadDepartment,
          departments: o.departments,
          origin: o.origin,
          openedBy: o.actor,
          openedAt,
          dueAt: dispatchDueAt(o.type, openedAt),
        }));
      // Merging does not lock the entity: an alert may still have been put in a case meanwhile, and
      // then nothing is written (a rules job is retried and finds the alert in its case).
      const added = await tx.addAlerts(caseId, o.alertIds, auto ? 'auto' : 'opened', o.actor);
      if (added.taken.length) throw raced(added.taken);
      if (active) return { caseId, joined: true };
      await tx.transition(caseId, null, 'open', o.actor, o.reason, {
        alertIds: o.alertIds,
        caseType: o.type.id,
      });
      return { caseId, joined: false };
    });
  }
}

const raced = (alertIds: readonly string[]) =>
  new ConflictError(`alert ${alertIds.join(', ')} was put in another case meanwhile; nothing was opened`);
