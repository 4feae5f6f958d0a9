import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { contentHash } from '@lianjian/domain';

export interface StoredRule {
  id: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  definition: unknown;
}

@Injectable()
export class RuleRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Seeds rule versions from config/rules. A published version is immutable: the same id and version
  // with a different definition is refused (a change must be a new version).
  async syncPublished(defs: { id: string; version: number }[], actor: string): Promise<{ added: number }> {
    let added = 0;
    await this.ds.transaction(async (em) => {
      for (const def of defs) {
        const hash = contentHash(def);
        const [existing] = (await em.query(
          `SELECT definition_hash FROM rule WHERE id = $1 AND version = $2`,
          [def.id, def.version],
        )) as { definition_hash: string }[];
        if (existing) {
          if (existing.definition_hash !== hash)
            throw new Error(
              `rule ${def.id} version ${def.version} is already published with a different definition; give the change a new version`,
            );
          continue;
        }
        await em.query(
          `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
           VALUES ($1, $2, 'published', $3, $4, $5, $5, now())`,
          [def.id, def.version, JSON.stringify(def), hash, actor],
        );
        added++;
      }
    });
    return { added };
  }

  // The latest published version of every rule.
  async published(): Promise<StoredRule[]> {
    return this.ds.query(
      `SELECT DISTINCT ON (id) id, version, status, definition FROM rule WHERE status = 'published' ORDER BY id, version DESC`,
    );
  }
}
