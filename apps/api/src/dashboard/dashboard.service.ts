import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DashboardRepository, SourceHealthRepository } from '@lianjian/database';
import { feedHealth, SourceProfiles } from '@lianjian/ingestion';
import { regionName } from '@lianjian/reference';
import { loadAcknowledgementSla, type AcknowledgementSla } from '@lianjian/rules';
import { can, inJurisdiction, ownDepartmentOnly, type Principal } from '@lianjian/access';
import { regionScope } from '../auth/scope';
import type { DashboardResponse } from './dto/dashboard.dto';

const CLASSES = ['A', 'B', 'C', 'D'] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
const LEVELS = { 0: 'national', 2: 'province', 4: 'city', 6: 'county' } as const;
const LIST = 10;

type Counts<K extends string> = Record<K, number>;
const counts = <K extends string>(keys: readonly K[], from: Record<string, number>): Counts<K> =>
  Object.fromEntries(keys.map((k) => [k, from[k] ?? 0])) as Counts<K>;

const entityKey = (r: { uscc: string | null; scheme: string | null; externalId: string | null }) =>
  r.uscc ?? `${r.scheme}:${r.externalId}`;

// A region prefix as its 6-digit code (33 → 330000, 3301 → 330100).
const codeOf = (prefix: string) => prefix.padEnd(6, '0');

const localized = (t: unknown): { zh: string; en: string } | null => {
  const o = t as { zh?: unknown; en?: unknown } | null;
  return o && typeof o.zh === 'string' && typeof o.en === 'string' ? { zh: o.zh, en: o.en } : null;
};

// Home (工作台): the caller's jurisdiction in counts. Scoped as the lists they sum up: entities, classes
// and regions by the jurisdiction (the risk list's regionScope); alerts, deliveries and case tasks to
// an officer's own department, else the jurisdiction (alertScope, the case list); feeds to the
// officer's department, else the departments of the jurisdiction. Sections the role may not read are
// left out of the answer.
@Injectable()
export class DashboardService {
  private readonly sla: AcknowledgementSla;

  constructor(
    private readonly repo: DashboardRepository,
    private readonly health: SourceHealthRepository,
    private readonly profiles: SourceProfiles,
    config: ConfigService,
  ) {
    this.sla = loadAcknowledgementSla(config.getOrThrow<string>('CONFIG_DIR'));
  }

  async get(caller: Principal): Promise<DashboardResponse> {
    const prefix = regionScope(caller, undefined);
    const own = ownDepartmentOnly(caller);
    const scope = own ? { department: own } : { regionPrefix: prefix };
    const lastRun = await this.repo.lastRun();
    const [current, { childLength, regions }, moves, movers, alerts, deliveries, overdueTasks, feeds] =
      await Promise.all([
        this.repo.classCounts(prefix),
        this.regions(prefix),
        lastRun ? this.repo.classMoves(lastRun.id, prefix) : Promise.resolve([]),
        lastRun ? this.repo.movers(lastRun.id, prefix, LIST) : Promise.resolve([]),
        can(caller, 'alerts:read') ? this.repo.openAlerts(scope) : undefined,
        own && can(caller, 'alerts:ack')
          ? this.repo.unacknowledged(own, this.sla.hoursBySeverity, LIST)
          : undefined,
        can(caller, 'cases:read') ? this.repo.overdueTasks(scope, LIST) : undefined,
        can(caller, 'sources:read') ? this.feeds(prefix, own) : undefined,
      ]);
    const change = counts(CLASSES, {});
    for (const m of moves) {
      change[m.from as (typeof CLASSES)[number]] -= m.n;
      change[m.to as (typeof CLASSES)[number]] += m.n;
    }
    const currentCounts = counts(CLASSES, current);
    const region = caller.kind === 'user' ? caller.regionCode : null;
    return {
      jurisdiction: {
        regionCode: region,
        name: region ? (regionName(region) ?? null) : null,
        level: LEVELS[prefix.length as keyof typeof LEVELS] ?? 'county',
      },
      department: own,
      generatedAt: new Date().toISOString(),
      classes: {
        current: currentCounts,
        total: CLASSES.reduce((s, c) => s + currentCounts[c], 0),
        lastRun: lastRun
          ? {
              id: lastRun.id,
              modelVersion: lastRun.modelVersion,
              asOf: lastRun.asOf,
              finishedAt: new Date(lastRun.finishedAt).toISOString(),
              change,
              moved: moves.reduce((s, m) => s + m.n, 0),
              transitions: moves.map((m) => ({
                from: m.from as (typeof CLASSES)[number],
                to: m.to as (typeof CLASSES)[number],
                count: m.n,
              })),
            }
          : null,
      },
      movers: movers.map((m) => ({
        entity: { id: m.entityId, key: entityKey(m), name: m.name, regionCode: m.regionCode },
        from: m.from as (typeof CLASSES)[number],
        to: m.to as (typeof CLASSES)[number],
        score: m.score,
        previousScore: m.previousScore,
      })),
      regions: {
        level: LEVELS[childLength as 2 | 4 | 6],
        items: regions.map((r) => ({
          code: codeOf(r.code),
          name: regionName(codeOf(r.code)) ?? null,
          C: r.c,
          D: r.d,
        })),
      },
      ...(alerts && {
        alerts: {
          open: counts(SEVERITIES, alerts),
          total: Object.values(alerts).reduce((s, n) => s + n, 0),
        },
      }),
      ...(deliveries && {
        deliveries: {
          total: deliveries.total,
          items: deliveries.items.map((d) => ({
            alertId: d.alertId,
            severity: d.severity,
            title: localized(d.title),
            entity: d.entityId ? { id: d.entityId, key: entityKey(d), name: d.name } : null,
            source: d.source,
            routedAt: new Date(d.routedAt).toISOString(),
            dueAt: new Date(d.dueAt).toISOString(),
          })),
        },
      }),
      ...(overdueTasks && {
        overdueTasks: {
          total: overdueTasks.total,
          items: overdueTasks.items.map((t) => ({ ...t, dueAt: new Date(t.dueAt).toISOString() })),
        },
      }),
      ...(feeds && { feeds: { items: feeds } }),
    };
  }

  // C/D entities per child region of the jurisdiction; when they all lie in one child (a national
  // caller on a one-province install), per child of that one, down to counties.
  private async regions(prefix: string) {
    let childLength = Math.min(6, prefix.length + 2);
    let regions = await this.repo.regionCounts(prefix, childLength, 40);
    while (regions.length === 1 && childLength < 6) {
      const only = regions[0].code;
      childLength += 2;
      regions = await this.repo.regionCounts(only, childLength, 40);
    }
    return { childLength, regions };
  }

  // Feeds in trouble (stalled, empty, degraded: the feed health GET /sources shows) of the officer's
  // department, else of departments in the jurisdiction.
  private async feeds(prefix: string, own: string | null) {
    const [stats, profiles] = [await this.health.stats(), this.profiles.list().map((l) => l.profile)];
    const regions = await this.repo.departmentRegions([
      ...new Set(profiles.flatMap((p) => (p.departmentCode ? [p.departmentCode] : []))),
    ]);
    const now = new Date();
    return profiles
      .filter((p) =>
        own
          ? p.departmentCode === own
          : inJurisdiction(prefix, p.departmentCode ? (regions.get(p.departmentCode) ?? null) : null),
      )
      .map((p) => ({ p, h: feedHealth(stats.get(p.id), now) }))
      .filter(
        (
          x,
        ): x is {
          p: (typeof profiles)[number];
          h: typeof x.h & { status: 'stalled' | 'empty' | 'degraded' };
        } => x.h.status === 'stalled' || x.h.status === 'empty' || x.h.status === 'degraded',
      )
      .map(({ p, h }) => ({
        source: p.id,
        department: p.departmentCode ?? null,
        description: p.description,
        status: h.status,
        message: h.message,
        lastBatchAt: h.lastBatchAt ? new Date(h.lastBatchAt).toISOString() : null,
      }));
  }
}
