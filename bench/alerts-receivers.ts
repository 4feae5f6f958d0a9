import { createServer, type Server } from 'node:http';
import { verifyWebhook } from '@lianjian/delivery';
import { nowMs } from './alerts-load';

// The departments' webhook receivers of `npm run bench:alerts`: one HTTP server per department on
// 127.0.0.1, as a department's system would run it. Each answers 200 at once, then verifies the
// signature (HMAC-SHA256 with the department's secret, by key id) and notes the arrival time of each
// idempotency key; a key seen again is a duplicate.

export interface Receipt {
  key: string; // Idempotency-Key
  department: string; // the receiver that got it
  at: number; // epoch ms, when the body had arrived
  alertId: string;
  ruleId: string;
  entityKey: string | null;
  bodyDepartment: string | null; // delivery.department in the body
  attempt: number | null;
}

interface Receiver {
  department: string;
  server: Server;
  url: string;
  secrets: Map<string, string>; // key id → secret
}

export class ReceiverFleet {
  private readonly receivers = new Map<string, Receiver>();
  // First receipt of each idempotency key, and how many times each key arrived.
  readonly first = new Map<string, Receipt>();
  readonly count = new Map<string, number>();
  signatureFailures = 0;
  malformed = 0;
  // A body naming another department than the receiver it reached.
  misdirected = 0;
  requests = 0;
  onReceipt?: (r: Receipt) => void;

  async add(department: string): Promise<string> {
    const secrets = new Map<string, string>();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = nowMs();
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        this.requests++;
        const raw = Buffer.concat(chunks).toString('utf8');
        const keyId = String(req.headers['x-lianjian-key-id'] ?? '');
        const secret = secrets.get(keyId);
        if (
          !secret ||
          !verifyWebhook(
            secret,
            String(req.headers['x-lianjian-timestamp'] ?? ''),
            raw,
            String(req.headers['x-lianjian-signature'] ?? ''),
          )
        )
          this.signatureFailures++;
        const key = String(req.headers['idempotency-key'] ?? '');
        let body: {
          id?: string;
          ruleId?: string;
          entity?: { key?: string } | null;
          delivery?: { department?: string; attempt?: number };
        };
        try {
          body = JSON.parse(raw);
        } catch {
          this.malformed++;
          return;
        }
        if (!key || !body.id) {
          this.malformed++;
          return;
        }
        if (body.delivery?.department !== department) this.misdirected++;
        const n = (this.count.get(key) ?? 0) + 1;
        this.count.set(key, n);
        if (n > 1) return;
        const r: Receipt = {
          key,
          department,
          at,
          alertId: String(body.id),
          ruleId: String(body.ruleId),
          entityKey: body.entity?.key ?? null,
          bodyDepartment: body.delivery?.department ?? null,
          attempt: body.delivery?.attempt ?? null,
        };
        this.first.set(key, r);
        this.onReceipt?.(r);
      });
    });
    // Keep-alive longer than the sender's idle timeout (4 s), so the sender closes idle sockets first.
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}/lianjian/alerts`;
    this.receivers.set(department, { department, server, url, secrets });
    return url;
  }

  setSecret(department: string, keyId: string, secret: string): void {
    const r = this.receivers.get(department);
    if (!r) throw new Error(`no receiver for ${department}`);
    r.secrets.set(keyId, secret);
  }

  departments(): string[] {
    return [...this.receivers.keys()];
  }

  // Extra arrivals of keys already received.
  duplicates(): number {
    let d = 0;
    for (const n of this.count.values()) d += n - 1;
    return d;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.receivers.values()].map(
        (r) =>
          new Promise<void>((resolve) => {
            r.server.closeAllConnections();
            r.server.close(() => resolve());
          }),
      ),
    );
  }
}
