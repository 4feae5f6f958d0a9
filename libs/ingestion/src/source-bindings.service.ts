import { Injectable } from '@nestjs/common';
import { BatchRepository, DepartmentRepository } from '@lianjian/database';
import { ForbiddenError } from '@lianjian/common';
import { SourceProfiles } from './source-profiles.service';
import {
  INTERNAL_SOURCES,
  profileBinding,
  sourceRefusal,
  type Sender,
  type SourceBinding,
} from './send-policy';

// Market regulators (市场监管部门) are China's registration authorities (登记机关): a free-form source of
// one may send registration records. A profile says so itself (registrationAuthority).
const REGISTRATION_DOMAIN = 'market_regulation';

// The binding of a source to its department (see send-policy): from its profile, or, for a free-form
// JSON source, from ingest_source, where the first batch binds it.
@Injectable()
export class SourceBindings {
  constructor(
    private readonly profiles: SourceProfiles,
    private readonly batches: BatchRepository,
    private readonly departments: DepartmentRepository,
  ) {}

  // The source's binding for this sender; ForbiddenError (403) when the sender may not send under it.
  // `records` name the department an operator's first batch binds a free-form source to.
  async forSender(source: string, sender: Sender, records: readonly unknown[] = []): Promise<SourceBinding> {
    const profile = this.profiles.find(source)?.profile;
    if (INTERNAL_SOURCES.has(source) || profile) {
      refuse(sourceRefusal(source, sender, profile?.departmentCode));
      if (profile) return profileBinding(profile);
      // The engine writes an internal source for the department it acts for.
      return {
        source,
        departmentCode: sender.departmentCode,
        allowedDepartments: [],
        registrationAuthority: false,
      };
    }
    refuse(sourceRefusal(source, sender, undefined));
    const known = await this.departments.list();
    let owner = await this.batches.sourceOwner(source);
    if (!owner) {
      const isKnown = (code: string | null | undefined) => !!code && known.some((d) => d.code === code);
      const candidate = sender.departmentCode ?? departmentsOf(records).find(isKnown);
      if (candidate && isKnown(candidate))
        owner = await this.batches.bindSource(source, candidate, sender.name);
    }
    refuse(sourceRefusal(source, sender, owner));
    const dept = known.find((d) => d.code === owner);
    return {
      source,
      departmentCode: owner ?? null,
      allowedDepartments: [],
      registrationAuthority: !!dept?.domains.includes(REGISTRATION_DOMAIN),
    };
  }
}

function refuse(why: string | undefined): void {
  if (why) throw new ForbiddenError(why);
}

function departmentsOf(records: readonly unknown[]): string[] {
  return records
    .map((r) => (r as { departmentCode?: unknown } | null)?.departmentCode)
    .filter((d): d is string => typeof d === 'string');
}
