import { addDays } from '@lianjian/common';
import { makeUscc, USCC_CHARSET } from '@lianjian/reference';

// What `npm run bench:alerts` sends: the entities it registers, the background records that raise no
// alert (passing inspections, registration updates) and the probe records that raise a joint alert,
// and the background sender that keeps a steady rate through POST /api/v1/records.

export const BACKGROUND_SOURCE = 'bench-samr';
export const PROBE_SOURCE = 'bench-enforcement';

export interface BenchEntity {
  uscc: string;
  regionCode: string;
  industryCode: string;
}

// Counties of three cities and industries whose regulators the joint-action matrix names (catering,
// drugs with the province, mining, schools, food retail, construction, software, road transport).
export const PROBE_REGIONS = ['330106', '330108', '330203', '330302', '330782'];
export const PROBE_INDUSTRIES = ['H6210', 'C2710', 'B0610', 'P8310', 'F5211', 'E4700', 'I6510', 'G5411'];

// A valid USCC per (series, n): the series letter keeps the background pool and the probes apart.
export function benchUscc(series: 'P' | 'Q', n: number, regionCode: string): string {
  let body = '';
  for (let v = n, i = 0; i < 7; i++, v = Math.floor(v / USCC_CHARSET.length))
    body = USCC_CHARSET[v % USCC_CHARSET.length] + body;
  return makeUscc({ authority: '9', category: '1', regionCode, orgBody: series + body });
}

export function benchEntities(series: 'P' | 'Q', count: number): BenchEntity[] {
  return Array.from({ length: count }, (_, n) => {
    const regionCode = PROBE_REGIONS[n % PROBE_REGIONS.length];
    // Another stride for industries, so that every region meets every industry.
    const industryCode = PROBE_INDUSTRIES[Math.floor(n / PROBE_REGIONS.length) % PROBE_INDUSTRIES.length];
    return { uscc: benchUscc(series, n, regionCode), regionCode, industryCode };
  });
}

export function registrationRecord(e: BenchEntity, n: number, version = 0) {
  return {
    sourceRecordId: `REG-${e.uscc}`,
    kind: 'registration',
    entity: { uscc: e.uscc },
    departmentCode: `${e.regionCode}-SAMR`,
    occurredAt: '2024-01-15',
    registration: {
      name: `联监压测企业${n}号有限公司`,
      entityType: '有限责任公司',
      regionCode: e.regionCode,
      industryCode: e.industryCode,
      establishedOn: '2018-06-01',
      // A re-sent registration with another capital is a new version of the record.
      registeredCapital: 1_000_000 + version * 10_000,
      address: `浙江省测试路${n}号`,
      status: 'active',
    },
  };
}

// Passes: no rule fires on a passing inspection.
export function passingInspection(e: BenchEntity, id: string, today: string, n: number) {
  return {
    sourceRecordId: id,
    kind: 'inspection',
    entity: { uscc: e.uscc },
    departmentCode: `${e.regionCode}-SAMR`,
    occurredAt: addDays(today, -(n % 200)),
    inspection: {
      result: 'pass',
      matter: '日常监督检查',
      violations: { critical: 0, serious: 0, minor: 0 },
      trigger: 'random',
    },
  };
}

export type ProbeKind = 'license_revocation' | 'serious_violation';

// One record that a shipped critical rule turns into a joint alert: a licence revocation
// (license-revoked) or an addition to the serious-violation list (serious-violation-listed). No fine,
// so large-fine stays quiet; a fresh entity has no other penalty, so multi-department-penalties too.
export function probeRecord(e: BenchEntity, kind: ProbeKind, n: number, today: string) {
  const base = {
    sourceRecordId: `PROBE-${n}-${e.uscc}`,
    entity: { uscc: e.uscc },
    departmentCode: `${e.regionCode}-SAMR`,
    occurredAt: today,
  };
  return kind === 'license_revocation'
    ? {
        ...base,
        kind: 'penalty',
        penalty: {
          decisionNo: `浙压测罚〔2025〕${n}号`,
          penaltyTypes: ['license_revocation'],
          legalBasis: '《中华人民共和国食品安全法》第一百三十五条',
          violationType: 'food_safety',
        },
      }
    : {
        ...base,
        kind: 'listing',
        listing: { list: 'serious_violation', action: 'added', reason: '压测：严重违法失信' },
      };
}

export interface PostResult {
  status: number;
  ms: number; // request sent → 202 headers received
  at: number; // when the answer's headers arrived (epoch ms, sub-millisecond)
  batchId?: string;
  accepted: number;
  rejected: unknown[];
}

// The bench signs in once (alerts.ts); every request to the api carries the token.
let credentials: Record<string, string> = {};
export function useCredentials(headers: Record<string, string>): void {
  credentials = headers;
}
export function withCredentials(headers: Record<string, string> = {}): Record<string, string> {
  return { ...headers, ...credentials };
}

export const nowMs = (): number => performance.timeOrigin + performance.now();

export async function postRecords(base: string, source: string, records: unknown[]): Promise<PostResult> {
  const t = nowMs();
  const res = await fetch(`${base}/api/v1/records`, {
    method: 'POST',
    headers: withCredentials({ 'content-type': 'application/json' }),
    body: JSON.stringify({ source, records }),
  });
  // fetch resolves on the response headers: that is the 202.
  const at = nowMs();
  const body = (await res.json().catch(() => ({}))) as {
    batchId?: string;
    accepted?: number;
    rejected?: unknown[];
  };
  return {
    status: res.status,
    ms: at - t,
    at,
    batchId: body.batchId,
    accepted: body.accepted ?? 0,
    rejected: body.rejected ?? [],
  };
}

// Background ingest at a steady rate: every tick it sends what the clock says is due since the start
// (so a slow answer is caught up on, not lost from the rate), as one POST, at most `maxInFlight` POSTs
// at a time. Nine records in ten are passing inspections (new records: applied, re-scored, evaluated
// by the rules), one in ten a changed registration of an existing entity.
export class BackgroundLoad {
  private timer?: NodeJS.Timeout;
  private inFlight = new Set<Promise<void>>();
  private n = 0;
  private startedAt = 0;
  private stoppedAt = 0;
  readonly postMs: number[] = [];
  readonly batchIds: string[] = [];
  sent = 0;
  accepted = 0;
  posts = 0;
  errors: string[] = [];

  constructor(
    private readonly base: string,
    private readonly pool: BenchEntity[],
    private readonly rate: number,
    private readonly today: string,
    private readonly tickMs = 100,
    private readonly maxInFlight = 4,
    private readonly maxPerPost = 5000,
  ) {}

  start(): void {
    this.startedAt = nowMs();
    this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  // Records per second accepted since the start (until stop()).
  achievedRate(): number {
    const end = this.stoppedAt || nowMs();
    return this.accepted / Math.max(0.001, (end - this.startedAt) / 1000);
  }

  elapsedSec(): number {
    return ((this.stoppedAt || nowMs()) - this.startedAt) / 1000;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stoppedAt = nowMs();
    await Promise.all(this.inFlight);
  }

  private tick(): void {
    if (this.inFlight.size >= this.maxInFlight) return;
    const due = Math.floor((this.rate * (nowMs() - this.startedAt)) / 1000) - this.sent;
    const count = Math.min(due, this.maxPerPost);
    if (count <= 0) return;
    const records = Array.from({ length: count }, () => this.next());
    this.sent += count;
    const p = postRecords(this.base, BACKGROUND_SOURCE, records)
      .then((r) => {
        this.posts++;
        this.postMs.push(r.ms);
        if (r.status !== 202) this.errors.push(`POST answered ${r.status}`);
        else if (r.rejected.length)
          this.errors.push(`${r.rejected.length} rejected: ${JSON.stringify(r.rejected[0])}`);
        this.accepted += r.accepted;
        if (r.batchId) this.batchIds.push(r.batchId);
      })
      .catch((e: unknown) => {
        this.errors.push((e as Error).message);
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private next() {
    const n = this.n++;
    const i = (n * 7919) % this.pool.length; // a stride through the pool, not the same few entities
    const e = this.pool[i];
    return n % 10 === 9
      ? registrationRecord(e, i, 1 + Math.floor(n / 10))
      : passingInspection(e, `BG-INS-${n}`, this.today, n);
  }
}
