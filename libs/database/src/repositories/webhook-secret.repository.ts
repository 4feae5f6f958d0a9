import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditRepository, type AuditEntry } from '../audit/audit.repository';
import { returningRows } from '../returning-rows';

export interface WebhookEndpoint {
  code: string;
  regionCode: string;
  webhookUrl: string | null;
}

export interface WebhookSecretView {
  keyId: string;
  createdAt: Date;
  retiredAt: Date | null;
}

// A department's webhook: its URL and its signing secrets (stored encrypted; this repository never
// sees a secret in clear).
@Injectable()
export class WebhookSecretRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  async endpoint(code: string): Promise<WebhookEndpoint | undefined> {
    const [row] = (await this.ds.query(
      `SELECT code, region_code AS "regionCode", webhook_url AS "webhookUrl" FROM department WHERE code = $1`,
      [code],
    )) as WebhookEndpoint[];
    return row;
  }

  // null switches the department back to its inbox for the alerts that follow. The change commits
  // with its audit entry, which names the previous URL (read under the row lock) and the new one.
  async setUrl(
    code: string,
    url: string | null,
    audit: (previousUrl: string | null) => AuditEntry,
  ): Promise<WebhookEndpoint | undefined> {
    return this.ds.transaction(async (em) => {
      const [before] = (await em.query(
        `SELECT webhook_url AS "webhookUrl" FROM department WHERE code = $1 FOR UPDATE`,
        [code],
      )) as { webhookUrl: string | null }[];
      if (!before) return undefined;
      const [row] = await returningRows<WebhookEndpoint>(
        em,
        `UPDATE department SET webhook_url = $2, updated_at = now() WHERE code = $1
         RETURNING code, region_code AS "regionCode", webhook_url AS "webhookUrl"`,
        [code, url],
      );
      await this.audit.append(audit(before.webhookUrl), em);
      return row;
    });
  }

  // Retires the active secret (kept, with the time, so receivers can accept both while they roll
  // over) and stores the new one. Undefined when the department does not exist.
  async rotate(
    code: string,
    keyId: string,
    secretEnc: Buffer,
  ): Promise<{ keyId: string; createdAt: Date } | undefined> {
    return this.ds.transaction(async (em) => {
      // Serialises rotations of one department (the active-secret index allows one at a time).
      const dep: unknown[] = await em.query(`SELECT 1 FROM department WHERE code = $1 FOR UPDATE`, [code]);
      if (!dep.length) return undefined;
      await em.query(
        `UPDATE webhook_secret SET retired_at = now() WHERE department_code = $1 AND retired_at IS NULL`,
        [code],
      );
      const [row] = (await em.query(
        `INSERT INTO webhook_secret (department_code, key_id, secret_enc) VALUES ($1, $2, $3)
         RETURNING key_id AS "keyId", created_at AS "createdAt"`,
        [code, keyId, secretEnc],
      )) as { keyId: string; createdAt: Date }[];
      return row;
    });
  }

  // Newest first.
  async list(code: string): Promise<WebhookSecretView[]> {
    return this.ds.query(
      `SELECT key_id AS "keyId", created_at AS "createdAt", retired_at AS "retiredAt"
         FROM webhook_secret WHERE department_code = $1 ORDER BY id DESC`,
      [code],
    );
  }

  // The secret that signs: the newest unretired one.
  async active(code: string): Promise<{ keyId: string; secretEnc: Buffer } | undefined> {
    const [row] = (await this.ds.query(
      `SELECT key_id AS "keyId", secret_enc AS "secretEnc" FROM webhook_secret
        WHERE department_code = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1`,
      [code],
    )) as { keyId: string; secretEnc: Buffer }[];
    return row;
  }
}
