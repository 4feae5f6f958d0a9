import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '@lianjian/common';
import { contentHash } from '@lianjian/domain';

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
  // A retirement asked for and not yet confirmed by another user (四眼原则), if any.
  retireRequestedBy: string | null;
  retireRequestedAt: Date | null;
  retireRequestReason: string | null;
}

export interface RuleSummaryRow extends RuleVersionRow {
  publishedVersion: number | null; // the version that raises alerts now, if any
  draftVersion: number | null; // the change in progress, if any
}

const VERSION_COLUMNS = `r.id, r.version, r.status, r.definition, r.created_by AS "createdBy", r.created_at AS "createdAt",
  r.updated_at AS "updatedAt", r.published_by AS "publishedBy", r.published_at AS "publishedAt",
  r.retired_by AS "retiredBy", r.retired_at AS "retiredAt", r.retire_reason AS "retireReason",
  r.retire_requested_by AS "retireRequestedBy", r.retire_requested_at AS "retireRequestedAt",
  r.retire_request_reason AS "retireRequestReason"`;

// A superseded version's pending retirement request goes with it (whoever asked may publish the
// version that supersedes it).
const CLEAR_RETIRE_REQUEST = `retire_requested_by = NULL, retire_requested_at = NULL, retire_request_reason = NULL`;

@Injectable()
export class RuleRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Seeds rule versions from config/rules. A published version is immutable: the same id and version
  // with a different definition is refused (a change must be a new version).
  async syncPublished(defs: { id: string; version: number }[], actor: string): Promise<{ added: number }> {
    let added = 0;
    await this.ds.transaction(async (em) => {
      // Processes that start together sync at once: one at a time, so the later one finds the
      // versions the first published instead of failing on the primary key (and stopping).
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('lianjian:rule-sync'))`);
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
                  retire_reason = 'superseded by shipped version ' || $2::int, ${CLEAR_RETIRE_REQUEST}
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
      const cur = await lockedVersion(em, id, version);
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

  // A draft is discarded by its author only, as it is edited; published and retired versions stay.
  async discardDraft(id: string, version: number, by: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      const cur = await lockedVersion(em, id, version);
      if (cur.status !== 'draft')
        throw new ConflictError(
          `rule ${id} version ${version} is ${cur.status}; only a draft is discarded (retire a rule instead)`,
        );
      if (cur.created_by !== by)
        throw new ConflictError(
          `rule ${id} version ${version} is a draft of ${cur.created_by}; only its author discards it`,
        );
      await em.query(`DELETE FROM rule WHERE id = $1 AND version = $2`, [id, version]);
    });
  }

  // Publishes a draft (四眼原则: by someone other than its author); the version published before it is
  // retired in the same transaction, so exactly one version of a rule raises alerts.
  async publish(id: string, version: number, by: string): Promise<RuleVersionRow> {
    return this.ds.transaction(async (em) => {
      const cur = await lockedVersion(em, id, version);
      if (cur.status !== 'draft')
        throw new ConflictError(`rule ${id} version ${version} is ${cur.status}; only a draft is published`);
      if (cur.created_by === by)
        throw new ConflictError(
          `rule ${id} version ${version} was written by ${by}; another user must review and publish it (四眼原则, four-eyes principle)`,
        );
      await em.query(
        `UPDATE rule SET status = 'retired', retired_at = now(), retired_by = $2, ${CLEAR_RETIRE_REQUEST}
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

  // Stopping a rule takes two users (四眼原则, as publishing does): one asks for the retirement of the
  // published version, with the reason; another confirms it, and from then on nothing of the rule
  // raises alerts. Undefined when the rule has no published version.
  async requestRetirement(id: string, by: string, reason: string): Promise<RuleVersionRow | undefined> {
    return this.onPublished(id, async (em, cur) => {
      if (cur.retireRequestedBy)
        throw new ConflictError(
          `retiring rule ${id} was asked for by ${cur.retireRequestedBy} already; another user confirms it (POST /api/v1/rules/${id}/retire/confirm) or it is withdrawn (DELETE /api/v1/rules/${id}/retire)`,
        );
      await em.query(
        `UPDATE rule SET retire_requested_by = $3, retire_requested_at = now(), retire_request_reason = $4
          WHERE id = $1 AND version = $2`,
        [id, cur.version, by, reason],
      );
    });
  }

  async confirmRetirement(id: string, by: string): Promise<RuleVersionRow | undefined> {
    return this.onPublished(id, async (em, cur) => {
      if (!cur.retireRequestedBy)
        throw new ConflictError(
          `nobody has asked to retire rule ${id}: ask with POST /api/v1/rules/${id}/retire, and another user confirms`,
        );
      if (cur.retireRequestedBy === by)
        throw new ConflictError(
          `retiring rule ${id} was asked for by ${by}; another user must confirm it (四眼原则, four-eyes principle)`,
        );
      await em.query(
        `UPDATE rule SET status = 'retired', retired_at = now(), retired_by = $3, retire_reason = retire_request_reason
          WHERE id = $1 AND version = $2`,
        [id, cur.version, by],
      );
    });
  }

  // A pending retirement withdrawn by whoever asked, or declined by another user: the rule keeps running.
  async withdrawRetirement(id: string): Promise<RuleVersionRow | undefined> {
    return this.onPublished(id, async (em, cur) => {
      if (!cur.retireRequestedBy) throw new ConflictError(`nobody has asked to retire rule ${id}`);
      await em.query(`UPDATE rule SET ${CLEAR_RETIRE_REQUEST} WHERE id = $1 AND version = $2`, [
        id,
        cur.version,
      ]);
    });
  }

  // Runs `change` on the rule's published version under its row lock, and answers the version after it.
  private async onPublished(
    id: string,
    change: (em: EntityManager, cur: RuleVersionRow) => Promise<void>,
  ): Promise<RuleVersionRow | undefined> {
    return this.ds.transaction(async (em) => {
      const [cur] = (await em.query(
        `SELECT ${VERSION_COLUMNS} FROM rule r WHERE r.id = $1 AND r.status = 'published'
          ORDER BY r.version DESC LIMIT 1 FOR UPDATE`,
        [id],
      )) as RuleVersionRow[];
      if (!cur) return undefined;
      await change(em, cur);
      const [row] = await em.query(
        `SELECT ${VERSION_COLUMNS} FROM rule r WHERE r.id = $1 AND r.version = $2`,
        [id, cur.version],
      );
      return row;
    });
  }

  // The latest published version of every rule.
  async published(): Promise<StoredRule[]> {
    return this.ds.query(
      `SELECT DISTINCT ON (id) id, version, status, definition FROM rule WHERE status = 'published' ORDER BY id, version DESC`,
    );
  }
}

// One version under its row lock, for a change of its status (404 when there is none).
async function lockedVersion(
  em: EntityManager,
  id: string,
  version: number,
): Promise<{ status: StoredRule['status']; created_by: string }> {
  const [cur] = await em.query(
    `SELECT status, created_by FROM rule WHERE id = $1 AND version = $2 FOR UPDATE`,
    [id, version],
  );
  if (!cur) throw new NotFoundError(`no rule ${id} version ${version}`);
  return cur;
}
