import { Injectable } from '@nestjs/common';
import { RecordRepository } from '@lianjian/database';
import { todayInShanghai } from '@lianjian/common';
import { AlertRaiser } from '../alert-raiser';
import { EntityScopeLoader } from '../entity-scope';
import { matching } from '../finding';
import { RuleSetProvider } from '../rule-set.provider';
import { entityFinding } from './entity-finding';

// record rules over the records a batch inserted or changed. Returns the alerts raised or updated.
@Injectable()
export class RecordTrigger {
  constructor(
    private readonly rules: RuleSetProvider,
    private readonly records: RecordRepository,
    private readonly scopes: EntityScopeLoader,
    private readonly raiser: AlertRaiser,
  ) {}

  async evaluate(batchId: string): Promise<number> {
    const rules = await this.rules.triggeredBy('record');
    const kinds = [...new Set(rules.flatMap((r) => r.trigger.kinds))];
    if (!kinds.length) return 0;
    const records = await this.records.changedByBatch(batchId, kinds);
    if (!records.length) return 0;
    // Only the rules this batch's kinds trigger: a batch of inspections loads no history for a
    // penalty rule that needs it.
    const present = new Set(records.map((r) => r.kind));
    const used = rules.filter((r) => r.trigger.kinds.some((k) => present.has(k)));
    const scope = await this.scopes.load(
      records.map((r) => r.entityId),
      used,
    );
    const now = todayInShanghai();
    let raised = 0;
    for (const record of records) {
      const seen = scope(record.entityId);
      if (!seen) continue;
      const ctx = { record, ...seen, now };
      const trigger = {
        recordId: record.id,
        source: record.source,
        sourceRecordId: record.sourceRecordId,
        kind: record.kind,
        departmentCode: record.departmentCode,
        occurredAt: record.occurredAt,
      };
      for (const m of matching(used, ctx)) {
        await this.raiser.raise(entityFinding(m, ctx, trigger, record.id));
        raised++;
      }
    }
    return raised;
  }
}
