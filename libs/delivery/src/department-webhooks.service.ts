import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  WebhookSecretRepository,
  type AuditEntry,
  type WebhookEndpoint,
  type WebhookSecretView,
} from '@lianjian/database';
import {
  decryptSecret,
  encryptSecret,
  newWebhookSecret,
  parseSecretsKey,
  TEST_SECRETS_KEY,
} from './secret-cipher';
import { staticTargetProblem, webhookTargetPolicy, type WebhookTargetPolicy } from './webhook-target';

let warnedTestKey = false;

// The stored secret does not decrypt: WEBHOOK_SECRETS_KEY changed since it was made.
export class SecretUnreadableError extends Error {}

// A department's webhook: URL, and signing secrets that rotate (轮换). A secret in clear exists only
// in the rotate answer and, briefly, in the worker that signs with it; it is never logged.
@Injectable()
export class DepartmentWebhooks {
  private readonly log = new Logger(DepartmentWebhooks.name);
  private readonly key: Buffer;
  // Where webhooks may go (WEBHOOK_ALLOWED_NETWORKS, https in production).
  readonly targets: WebhookTargetPolicy;
  // Decrypted secrets by key id: a key id never changes its secret.
  private readonly clear = new Map<string, string>();

  constructor(
    private readonly repo: WebhookSecretRepository,
    config: ConfigService,
  ) {
    this.targets = webhookTargetPolicy(
      config.get<string>('NODE_ENV'),
      config.get<string[]>('WEBHOOK_ALLOWED_NETWORKS') ?? [],
    );
    const configured = config.get<string>('WEBHOOK_SECRETS_KEY');
    if (configured) this.key = parseSecretsKey(configured);
    else if (config.get<string>('NODE_ENV') === 'test') {
      // Test runs hold no real secrets; the env schemas refuse a missing key everywhere else.
      if (!warnedTestKey)
        this.log.log(
          'WEBHOOK_SECRETS_KEY is not set: webhook secrets use the fixed test key (NODE_ENV=test)',
        );
      warnedTestKey = true;
      this.key = TEST_SECRETS_KEY;
    } else throw new Error('WEBHOOK_SECRETS_KEY is required (every NODE_ENV but test)');
  }

  async endpoint(code: string): Promise<(WebhookEndpoint & { secrets: WebhookSecretView[] }) | undefined> {
    const e = await this.repo.endpoint(code);
    return e && { ...e, secrets: await this.repo.list(code) };
  }

  // Why this URL may not be set (an internal address written as one, http:// in production), or
  // null. A host name is checked, after resolving it, before each attempt.
  urlProblem(url: string): string | null {
    return staticTargetProblem(new URL(url), this.targets);
  }

  // The audit entry, built from the previous URL, commits with the change.
  setUrl(
    code: string,
    url: string | null,
    audit: (previousUrl: string | null) => AuditEntry,
  ): Promise<WebhookEndpoint | undefined> {
    return this.repo.setUrl(code, url, audit);
  }

  // A new active secret; the previous one is retired but kept listed. Undefined: no such department.
  async rotateSecret(code: string): Promise<{ keyId: string; secret: string; createdAt: Date } | undefined> {
    const { keyId, secret } = newWebhookSecret();
    const row = await this.repo.rotate(code, keyId, encryptSecret(this.key, secret, aad(code, keyId)));
    return row && { keyId: row.keyId, secret, createdAt: row.createdAt };
  }

  // The secret that signs the department's deliveries now.
  async signingSecret(code: string): Promise<{ keyId: string; secret: string } | undefined> {
    const row = await this.repo.active(code);
    if (!row) return undefined;
    let secret = this.clear.get(row.keyId);
    if (secret === undefined) {
      try {
        secret = decryptSecret(this.key, row.secretEnc, aad(code, row.keyId));
      } catch {
        throw new SecretUnreadableError(
          `the signing secret ${row.keyId} of ${code} does not decrypt with WEBHOOK_SECRETS_KEY (was the key changed?); rotate the secret`,
        );
      }
      this.clear.set(row.keyId, secret);
    }
    return { keyId: row.keyId, secret };
  }
}

function aad(code: string, keyId: string): string {
  return `webhook-secret:${code}:${keyId}`;
}
