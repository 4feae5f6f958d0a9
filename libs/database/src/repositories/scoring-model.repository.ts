import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface StoredModel {
  version: string;
  definition: unknown;
  definitionHash: string;
  source: string;
  createdAt: Date;
  active: boolean;
}

export interface ModelActivation {
  version: string;
  previousVersion: string | null;
  activatedBy: string;
  reason: string | null;
  activatedAt: Date;
}

const MODEL_COLUMNS = `version, definition, definition_hash AS "definitionHash", source, created_at AS "createdAt", active`;

// Scoring models by version. A version's definition never changes once stored; activation is the
// only way the active model changes, and every activation is kept.
@Injectable()
export class ScoringModelRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Stores the versions not stored yet. Returns the versions whose stored definition differs from
  // the one given (an edited model file that kept its version: refused by the caller).
  async register(
    models: { version: string; definition: unknown; hash: string; source: string }[],
  ): Promise<string[]> {
    if (!models.length) return [];
    const rows: { version: string }[] = await this.ds.query(
      `WITH inc AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(version text, definition jsonb, hash text, source text)
       ),
       ins AS (
         INSERT INTO scoring_model (version, definition, definition_hash, source)
         SELECT version, definition, hash, source FROM inc ON CONFLICT (version) DO NOTHING RETURNING version
       )
       SELECT inc.version FROM inc JOIN scoring_model m ON m.version = inc.version WHERE m.definition_hash <> inc.hash`,
      [JSON.stringify(models)],
    );
    return rows.map((r) => r.version);
  }

  async activeVersion(): Promise<string | undefined> {
    const rows: { version: string }[] = await this.ds.query(`SELECT version FROM scoring_model WHERE active`);
    return rows[0]?.version;
  }

  async get(version: string): Promise<StoredModel | undefined> {
    const rows = await this.ds.query(`SELECT ${MODEL_COLUMNS} FROM scoring_model WHERE version = $1`, [
      version,
    ]);
    return rows[0];
  }

  async list(): Promise<(StoredModel & { lastActivation: ModelActivation | null })[]> {
    return this.ds.query(
      `SELECT m.version, m.definition, m.definition_hash AS "definitionHash", m.source, m.created_at AS "createdAt",
              m.active,
              (SELECT json_build_object('version', a.version, 'previousVersion', a.previous_version,
                        'activatedBy', a.activated_by, 'reason', a.reason, 'activatedAt', a.activated_at)
                 FROM scoring_model_activation a WHERE a.version = m.version ORDER BY a.id DESC LIMIT 1) AS "lastActivation"
         FROM scoring_model m ORDER BY m.created_at, m.version`,
    );
  }

  // Every activation that made `version` active or replaced it by another, newest first (who, why).
  async activations(version: string): Promise<ModelActivation[]> {
    return this.ds.query(
      `SELECT version, previous_version AS "previousVersion", activated_by AS "activatedBy", reason,
              activated_at AS "activatedAt"
         FROM scoring_model_activation WHERE version = $1 OR previous_version = $1
        ORDER BY id DESC LIMIT 200`,
      [version],
    );
  }

  // Makes `version` the active model (the previous one stops being active), recording who and why.
  // Activating the active model again records nothing. Undefined when the version is unknown.
  async activate(
    version: string,
    by: string,
    reason: string | null,
  ): Promise<{ version: string; previousVersion: string | null; changed: boolean } | undefined> {
    return this.ds.transaction(async (em) => {
      // One activation at a time: the row lock on the target orders concurrent activations.
      const target = await em.query(`SELECT version FROM scoring_model WHERE version = $1 FOR UPDATE`, [
        version,
      ]);
      if (!target.length) return undefined;
      await em.query(`LOCK TABLE scoring_model_activation IN EXCLUSIVE MODE`);
      const [prev] = (await em.query(`SELECT version FROM scoring_model WHERE active`)) as {
        version: string;
      }[];
      if (prev?.version === version) return { version, previousVersion: version, changed: false };
      await em.query(`UPDATE scoring_model SET active = false WHERE active`);
      await em.query(`UPDATE scoring_model SET active = true WHERE version = $1`, [version]);
      await em.query(
        `INSERT INTO scoring_model_activation (version, previous_version, activated_by, reason) VALUES ($1, $2, $3, $4)`,
        [version, prev?.version ?? null, by, reason],
      );
      return { version, previousVersion: prev?.version ?? null, changed: true };
    });
  }
}
