import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '@lianjian/common';
import { contentHash } from '@lianjian/domain';
import { returningRows } from '../returning-rows';

export interface StoredRule {
  id: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  definition: unknown;
}

export interface RuleVersionRow extends StoredRule {
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
  retiredBy: string | null;
  retiredAt: Date | null;
  retireReason: string | null; // null also when it was retired by the next version's publication
}

export interface RuleSummaryRow extends RuleVersionRow {
  publishedVersion: number | null; // the version that raises alerts now, if any
  draftVersion: number | null; // the change in progress, if any
}

const VERSION_COLUMNS = `r.id, r.version, r.status, r.definition, r.created_by AS "createdBy", r.created_at AS "createdAt",
  r.updated_at AS "updatedAt", r.published_by AS "publishedBy", r.published_at AS "publishedAt",
  r.retired_by AS "retiredBy", r.retired_at AS "retiredAt", r.retire_reason AS "retireReason"`;

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
        // A new shipped version supersedes the published ones before it, as publishing through the API does.
        await em.query(
          `UPDATE rule SET status = 'retired', retired_at = now(), retired_by = $3, updated_at = now(),
                  retire_reason = 'superseded by shipped version ' || $2::int
            WHERE id = $1 AND status = 'published' AND version < $2`,
          [def.id, def.version, actor],
        );
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

  // Every rule: its latest version, with the published and draft version numbers.
  async list(): Promise<RuleSummaryRow[]> {
    return this.ds.query(
      `SELECT DISTINCT ON (r.id) ${VERSION_COLUMNS},
              (SELECT max(p.version) FROM rule p WHERE p.id = r.id AND p.status = 'published') AS "publishedVersion",
              (SELECT d.version FROM rule d WHERE d.id = r.id AND d.status = 'draft') AS "draftVersion"
         FROM rule r ORDER BY r.id, r.version DESC`,
    );
  }

  async versions(id: string): Promise<RuleVersionRow[]> {
    return this.ds.query(`SELECT ${VERSION_COLUMNS} FROM rule r WHERE r.id = $1 ORDER BY r.version DESC`, [
      id,
    ]);
  }

  async get(id: string, version: number): Promise<RuleVersionRow | undefined> {
    const [row] = await this.ds.query(
      `SELECT ${VERSION_COLUMNS} FROM rule r WHERE r.id = $1 AND r.version = $2`,
      [id, version],
    );
    return row;
  }

  // A new draft: version 1 of a new rule (`isNew`), or the next version of an existing one. The
  // definition is stored with that version number. At most one draft per rule.
  async createDraft(
    id: string,
    build: (version: number) => object,
    author: string,
    isNew: boolean,
  ): Promise<RuleVersionRow> {
    return this.ds.transaction(async (em) => {
      // Serialise drafts of the same rule id (two first versions of a new id included).
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('rule:' || $1))`, [id]);
      const [cur] = (await em.query(
        `SELECT max(version)::int AS max, max(version) FILTER (WHERE status = 'draft')::int AS draft FROM rule WHERE id = $1`,
        [id],
      )) as { max: number | null; draft: number | null }[];
      if (isNew && cur.max !== null)
        throw new ConflictError(
          `rule ${id} exists already (latest version ${cur.max}): propose a change with POST /api/v1/rules/${id}/versions`,
        );
      if (!isNew && cur.max === null) throw new NotFoundError(`no rule ${id}`);
      if (cur.draft !== null)
        throw new ConflictError(
          `rule ${id} has a draft already (version ${cur.draft}): edit it (PUT /api/v1/rules/${id}/versions/${cur.draft}) or discard it first`,
        );
      const version = (cur.max ?? 0) + 1;
      const def = build(version);
      await em.query(
        `INSERT INTO rule (id, version, status, definition, definition_hash, created_by)
         VALUES ($1, $2, 'draft', $3, $4, $5)`,
        [id, version, JSON.stringify(def), contentHash(def), author],
      );
      const [row] = await em.query(
        `SELECT ${VERSION_COLUMNS} FROM rule r WHERE r.id = $1 AND r.version = $2`,
        [id, version],
      );
      return row;
    });
  }

  // A draft is edited by its author only (the publisher must be someone else who did not write it);
  // published and retired versions never change.
  async updateDraft(id: string, version: number, def: object, by: string): Promise<RuleVersionRow> {
    return this.ds.transaction(async (em) => {
      const [cur] = await em.query(
        `SELECT status, created_by FROM rule WHERE id = $1 AND version = $2 FOR UPDATE`,
        [id, version],
      );
      if (!cur) throw new NotFoundError(`no rule ${id} version ${version}`);
      if (cur.status !== 'draft')
        throw new ConflictError(
          `rule ${id} version ${version} is ${cur.status}, and a ${cur.status} version never changes: propose a new version with POST /api/v1/rules/${id}/versions`,
        );
      if (cur.created_by !== by)
        throw new ConflictError(
          `rule ${id} version ${version} is a draft of ${cur.created_by}; only its author edits it`,
        );
      await em.query(
        `UPDATE rule SET definition = $3, definition_hash = $4, updated_at = now() WHERE id = $1 AND version = $2`,
        [id, version, JSON.stringify(def), contentHash(def)],
      );
      const [row] = await em.query(
        `SELECT ${VERSION_COLUMNS} FROM rule r WHERE r.id = $1 AND r.version = $2`,
        [id, version],
      );
      return row;
    });
  }

  async discardDraft(id: string, version: number): Promise<boolean> {
    const rows = await returningRows(
      this.ds,
      `DELETE FROM rule WHERE id = $1 AND version = $2 AND status = 'draft' RETURNING 1`,
      [id, version],
    );
    return rows.length > 0;
  }

  // Publishes a draft (四眼原则: by someone other than its author); the version published before it is
  // retired in the same transaction, so exactly one version of a rule raises alerts.
  async publish(id: string, version: number, by: string): Promise<RuleVersionRow> {
    return this.ds.transaction(async (em) => {
      const [cur] = await em.query(
        `SELECT status, created_by FROM rule WHERE id = $1 AND version = $2 FOR UPDATE`,
        [id, version],
      );
      if (!cur) throw new NotFoundError(`no rule ${id} version ${version}`);
      if (cur.status !== 'draft')
        throw new ConflictError(`rule ${id} version ${version} is ${cur.status}; only a draft is published`);
      if (cur.created_by === by)
        throw new ConflictError(
          `rule ${id} version ${version} was written by ${by}; another user must review and publish it (四眼原则, four-eyes principle)`,
        );
      await em.query(
        `UPDATE rule SET status = 'retired', retired_at = now(), retired_by = $2
          WHERE id = $1 AND status = 'published'`,
        [id, by],
      );
      await em.query(
        `UPDATE rule SET status = 'published', published_by = $3, published_at = now(), updated_at = now()
          WHERE id = $1 AND version = $2`,
        [id, version, by],
      );
      const [row] = await em.query(
        `SELECT ${VERSION_COLUMNS} FROM rule r WHERE r.id = $1 AND r.version = $2`,
        [id, version],
      );
      return row;
    });
  }

  // Stops a rule: its published version is retired and nothing of it raises alerts any more.
  async retire(id: string, by: string, reason: string): Promise<RuleVersionRow | undefined> {
    const [row] = await returningRows<{ version: number }>(
      this.ds,
      `UPDATE rule SET status = 'retired', retired_at = now(), retired_by = $2, retire_reason = $3
        WHERE id = $1 AND status = 'published' RETURNING version`,
      [id, by, reason],
    );
    return row ? this.get(id, row.version) : undefined;
  }

  // The latest published version of every rule.
  async published(): Promise<StoredRule[]> {
    return this.ds.query(
      `SELECT DISTINCT ON (id) id, version, status, definition FROM rule WHERE status = 'published' ORDER BY id, version DESC`,
    );
  }
}
