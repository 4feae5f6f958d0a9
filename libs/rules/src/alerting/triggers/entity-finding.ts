import type { EntitySnapshot } from '@lianjian/domain';
import type { RuleEvaluationContext } from '../../rule-context';
import type { Finding, Match } from '../finding';

// A finding about what an entity did (a record, a score): routed where the entity is, titled with
// its name, and it may open a case by itself.
export function entityFinding(
  m: Match,
  ctx: RuleEvaluationContext & { entity: EntitySnapshot },
  trigger: unknown,
  recordId: string | null,
): Finding {
  const { rule } = m;
  const { entity } = ctx;
  const name = entity.name ?? entity.uscc ?? entity.externalId;
  return {
    ...m,
    ctx,
    subject: { entity },
    title: { zh: `${rule.finding.label.zh}：${name}`, en: `${rule.finding.label.en}: ${name}` },
    trigger,
    triggerRecordId: recordId ?? undefined,
    routeAt: { regionCode: entity.regionCode, industryCode: entity.industryCode },
    nowhere: {
      text: {
        zh: '未匹配到应联动的部门（主体辖区或行业未知）',
        en: 'no department to act: entity region or industry unknown',
      },
      log: `region ${entity.regionCode ?? 'unknown'}`,
    },
    detail: { recordId },
    raisedDetail: (deliveries) => ({ recordId, deliveries }),
    opensCase: true,
  };
}
