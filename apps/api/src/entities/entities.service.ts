import { Injectable } from '@nestjs/common';
import {
  EntityRepository,
  RecordRepository,
  ScoreRepository,
  type EntityRow,
  type ScoreRow,
} from '@lianjian/database';
import {
  allFeatures,
  compareScores,
  ScoringModels,
  scoreProbability,
  type ScoreResult,
} from '@lianjian/scoring';
import { InvalidInputError, NotFoundError } from '@lianjian/common';
import { parseEntityKey } from '@lianjian/domain';
import { industryName, regionName } from '@lianjian/reference';
import {
  can,
  maskAddress,
  maskName,
  maskPersonalData,
  maskResidentId,
  principalJurisdiction,
  type Principal,
} from '@lianjian/access';
import { assertEntityVisible } from '../auth/scope';
import { RELATED_LIMIT, type RelatedPartiesResponse } from './dto/entity.dto';

@Injectable()
export class EntitiesService {
  constructor(
    private readonly entities: EntityRepository,
    private readonly records: RecordRepository,
    private readonly scores: ScoreRepository,
    private readonly models: ScoringModels,
  ) {}

  // The entity, if it is inside the caller's jurisdiction (403 otherwise).
  async find(key: string, caller?: Principal): Promise<EntityRow> {
    const ref = parseEntityKey(key);
    if (!ref)
      throw new InvalidInputError(
        `'${key}' is neither a valid USCC nor an external id of the form scheme:id`,
        ['key: a USCC (统一社会信用代码, 18 characters with valid check characters) or scheme:id'],
      );
    const e = await this.entities.findByRef(ref);
    if (!e) throw new NotFoundError(`no entity ${key}`);
    if (caller) assertEntityVisible(caller, e.regionCode);
    return e;
  }

  async detail(key: string, caller?: Principal) {
    const e = await this.find(key, caller);
    const unmasked = !!caller && can(caller, 'personal-data:read');
    const [first, history, records, peers] = await Promise.all([
      this.scores.profile(e.id),
      this.scores.history(e.id, 1),
      this.records.forEntity(e.id, 500),
      this.scores.peerContext(e.id),
    ]);
    const latest = history[0];
    // The four reads run side by side, each in its own snapshot: the profile's may fall just before
    // the first scoring committed (score and profile are written by one statement) and the score's
    // just after. A score with no profile is that moment: the profile is read again, now committed.
    const profile = first ?? (latest ? await this.scores.profile(e.id) : undefined);
    return {
      entity: entityView(e, unmasked),
      // Stored without its zero features; every feature is shown.
      profile: profile ? { ...profile, features: allFeatures(profile.features) } : null,
      // Where the score stands among peers: same industry division, nearest region with ≥ 30 peers.
      peers: peers
        ? {
            ...peers,
            explanation: {
              zh: `在${peers.region ? `${regionName(peers.region.padEnd(6, '0')) ?? peers.region}` : '全部地区'}${peers.industry}行业的${peers.size}家主体中，风险评分高于${Math.round(peers.percentile * 100)}%的同行`,
              en: `riskier than ${Math.round(peers.percentile * 100)}% of the ${peers.size} ${peers.industry} entities in ${peers.region ? (regionName(peers.region.padEnd(6, '0')) ?? peers.region) : 'all regions'}`,
            },
          }
        : null,
      score: latest
        ? {
            id: latest.id,
            score: latest.score,
            basePoints: latest.basePoints,
            rawScore: latest.rawScore,
            floorLift: latest.floorLift,
            probability: await this.probabilityOf(latest),
            classBeforeFloors: latest.classBeforeFloors,
            riskClass: latest.riskClass,
            previousClass: latest.previousClass,
            modelVersion: latest.modelVersion,
            asOf: latest.asOf,
            computedAt: latest.computedAt,
            factors: await this.models.describe(latest.modelVersion, latest.factors),
            floorsApplied: latest.floors,
          }
        : null,
      records: records.map((r) => ({
        id: r.id,
        source: r.source,
        sourceRecordId: r.sourceRecordId,
        kind: r.kind,
        departmentCode: r.departmentCode,
        occurredAt: r.occurredAt,
        version: r.version,
        // 信用修复: an approved repair or objection; the record no longer counts from countsUntil on.
        repaired: r.countsUntil != null,
        countsUntil: r.countsUntil ?? null,
        repairId: r.repairId,
        [r.kind]: unmasked ? r.data : maskPersonalData(r.data),
      })),
    };
  }

  // 关联主体: who shares the legal representative or the address. Those outside the caller's
  // jurisdiction are counted only; the shared ID number is never part of the answer.
  async related(key: string, caller: Principal): Promise<RelatedPartiesResponse> {
    const e = await this.find(key, caller);
    const unmasked = can(caller, 'personal-data:read');
    const { total, outside, items } = await this.entities.relatedParties(
      e.id,
      principalJurisdiction(caller) ?? '',
      RELATED_LIMIT,
    );
    return {
      entity: entityKey(e),
      total,
      outside,
      items: items.map((r) => ({
        key: entityKey(r),
        uscc: r.uscc,
        name: r.name,
        regionCode: r.regionCode,
        regionName: r.regionCode ? (regionName(r.regionCode) ?? null) : null,
        relation: r.byLegalRep && r.byAddress ? 'both' : r.byLegalRep ? 'legal_rep' : 'address',
        legalRepName: r.legalRepName && !unmasked ? maskName(r.legalRepName) : r.legalRepName,
        score: r.score,
        riskClass: r.riskClass as RelatedPartiesResponse['items'][number]['riskClass'],
        flagged: r.flagged,
      })),
    };
  }

  // "Why did it move?": two scores of the entity, factor by factor.
  async compareScores(key: string, fromId?: string, toId?: string, caller?: Principal) {
    const e = await this.find(key, caller);
    const pick = async (id: string, which: string) => {
      const s = await this.scores.get(id);
      if (!s || s.entityId !== e.id) throw new NotFoundError(`entity ${key} has no score ${id} (${which})`);
      return s;
    };
    const to = toId ? await pick(toId, 'to') : (await this.scores.history(e.id, 1))[0];
    const from = fromId ? await pick(fromId, 'from') : to && (await this.scores.before(e.id, to.id));
    if (!to || !from)
      throw new NotFoundError(`entity ${key} has fewer than two scores to compare (比较需要至少两次评分)`);
    const comparison = compareScores(
      asResult(from, await this.models.describe(from.modelVersion, from.factors)),
      asResult(to, await this.models.describe(to.modelVersion, to.factors)),
    );
    const top = comparison.factors.slice(0, 3);
    const sign = (n: number) => (n > 0 ? `+${n}` : `${n}`);
    return {
      entity: entityKey(e),
      from: brief(from),
      to: brief(to),
      comparison,
      explanation: {
        zh:
          `评分 ${from.score} → ${to.score}（${sign(comparison.scoreDelta)}），分类 ${from.riskClass} → ${to.riskClass}` +
          (top.length
            ? `；主要变动：${top.map((f) => `${f.label.zh} ${sign(f.pointsDelta)}`).join('；')}`
            : '；各因子分值未变') +
          (comparison.modelChanged ? `；评分模型由 ${from.modelVersion} 改为 ${to.modelVersion}` : ''),
        en:
          `score ${from.score} → ${to.score} (${sign(comparison.scoreDelta)}), class ${from.riskClass} → ${to.riskClass}` +
          (top.length
            ? `; largest changes: ${top.map((f) => `${f.label.en} ${sign(f.pointsDelta)}`).join('; ')}`
            : '; no factor changed') +
          (comparison.modelChanged ? `; model changed from ${from.modelVersion} to ${to.modelVersion}` : ''),
      },
    };
  }

  // The calibrated probability of a stored score, from the calibration of the model version that made
  // it (immutable, so the same raw score always means the same probability); null without one.
  private async probabilityOf(s: ScoreRow): Promise<number | null> {
    const model = await this.models.byVersion(s.modelVersion).catch(() => undefined);
    return model ? scoreProbability(model, s.rawScore) : null;
  }

  async scoreHistory(key: string, limit: number, caller?: Principal) {
    const e = await this.find(key, caller);
    const rows = await this.scores.history(e.id, limit);
    return {
      entity: entityKey(e),
      items: await Promise.all(
        rows.map(async (s) => ({
          id: s.id,
          score: s.score,
          basePoints: s.basePoints,
          rawScore: s.rawScore,
          floorLift: s.floorLift,
          probability: await this.probabilityOf(s),
          classBeforeFloors: s.classBeforeFloors,
          riskClass: s.riskClass,
          previousClass: s.previousClass,
          modelVersion: s.modelVersion,
          asOf: s.asOf,
          trigger: s.trigger,
          computedAt: s.computedAt,
          factors: await this.models.describe(s.modelVersion, s.factors),
          floorsApplied: s.floors,
        })),
      ),
    };
  }
}

export function entityKey(e: {
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
}): string {
  return e.uscc ?? `${e.scheme}:${e.externalId}`;
}

// Personal data of the legal representative (name, ID number) and the address are masked unless the
// role needs them (coordinators and department officers act on the entity; see @lianjian/access roles).
export function entityView(e: EntityRow, unmasked = false) {
  return {
    id: e.id,
    key: entityKey(e),
    uscc: e.uscc,
    scheme: e.scheme,
    externalId: e.externalId,
    name: e.name,
    entityType: e.entityType,
    regionCode: e.regionCode,
    regionName: e.regionCode ? (regionName(e.regionCode) ?? null) : null,
    industryCode: e.industryCode,
    industryName: e.industryCode ? (industryName(e.industryCode) ?? null) : null,
    establishedOn: e.establishedOn,
    registeredCapital: e.registeredCapital,
    status: e.status,
    legalRepresentative:
      e.legalRepName || e.legalRepIdNumber
        ? {
            name: e.legalRepName && !unmasked ? maskName(e.legalRepName) : e.legalRepName,
            idNumber:
              e.legalRepIdNumber && !unmasked ? maskResidentId(e.legalRepIdNumber) : e.legalRepIdNumber,
          }
        : null,
    address: e.address && !unmasked ? maskAddress(e.address) : e.address,
    provisional: e.provisional,
    masterSource: e.masterSource,
  };
}

function asResult(s: ScoreRow, factors: ScoreResult['factors']): ScoreResult {
  return {
    modelVersion: s.modelVersion,
    asOf: s.asOf,
    basePoints: s.basePoints,
    rawScore: s.rawScore,
    score: s.score,
    floorLift: s.floorLift,
    classBeforeFloors: s.classBeforeFloors as ScoreResult['classBeforeFloors'],
    riskClass: s.riskClass as ScoreResult['riskClass'],
    floorsApplied: s.floors as ScoreResult['floorsApplied'],
    factors,
  };
}

function brief(s: ScoreRow) {
  return {
    id: s.id,
    score: s.score,
    riskClass: s.riskClass,
    modelVersion: s.modelVersion,
    asOf: s.asOf,
    trigger: s.trigger,
    computedAt: s.computedAt,
  };
}
