import { Injectable, Logger } from '@nestjs/common';
import { autoOpenCaseType, CaseOpener, pickLeadDepartment } from '@lianjian/cases';
import { DepartmentRepository } from '@lianjian/database';
import type { EntitySnapshot } from '@lianjian/domain';
import type { RuleDefinition } from '../rule-definition.schema';
import { industryDomainsFor } from '../routing/route-finding';
import { AlertingConfig } from './alerting-config';
import { ruleActor, type Recipient } from './finding';

// An alert whose severity its case type lists in autoOpen gets a case by itself (自动立案): it joins
// the entity's case still being worked on, if there is one, else opens a new case with the
// departments it was routed to, led by the first of them covering the type's lead domain (else the
// entity's industry domains). Idempotent: an alert belongs to at most one case (CaseOpener).
@Injectable()
export class CaseAutoOpen {
  private readonly log = new Logger(CaseAutoOpen.name);

  constructor(
    private readonly config: AlertingConfig,
    private readonly departments: DepartmentRepository,
    private readonly opener: CaseOpener,
  ) {}

  async open(
    alertId: string,
    rule: RuleDefinition,
    entity: EntitySnapshot,
    routed: readonly Recipient[],
  ): Promise<void> {
    const type = autoOpenCaseType(this.config.caseTypes, {
      findingType: rule.finding.type,
      severity: rule.severity,
    });
    if (!type || !routed.length) return;
    const domainsOf = new Map((await this.departments.list()).map((d) => [d.code, d.domains]));
    const preferred = type.autoOpen.leadDomain
      ? [type.autoOpen.leadDomain]
      : (industryDomainsFor(entity.industryCode, this.config.matrix)?.domains ?? []);
    const lead = pickLeadDepartment(
      routed.map((d) => ({ code: d.departmentCode, domains: domainsOf.get(d.departmentCode) ?? d.domains })),
      preferred,
    );
    if (!lead) return;
    const opened = await this.opener.open({
      origin: 'auto',
      type,
      entity,
      leadDepartment: lead,
      departments: routed.map((d) => d.departmentCode),
      alertIds: [alertId],
      actor: ruleActor(rule),
      reason: `opened automatically by ${rule.severity} alert ${alertId}`,
    });
    if (opened)
      this.log.log(
        `alert ${alertId} ${opened.joined ? 'joined' : 'opened'} case ${opened.caseId} (${type.id}) on entity ${entity.id}`,
      );
  }
}
