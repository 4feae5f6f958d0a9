import type {
  EntitySnapshot,
  EntityStatus,
  LicensedActivity,
  ListName,
  LocalizedText,
  PenaltyType,
  RecordKind,
  RegistrationData,
  StoredRecord,
} from '@lianjian/domain';
import { countsAsOf } from '@lianjian/domain';
import { addMonths, dayNumber } from '@lianjian/common';

// 信用画像: features of one entity as of a date, in SAMR's five indicator groups plus related parties.
// Pure and point-in-time: only records dated on or before `asOf` are seen, so any past date can be
// replayed for backtests and for "why did the score move?". A record repaired (信用修复) or corrected
// on objection no longer counts from its countsUntil date on, and still counts as of any earlier date.

export type FeatureGroup = 'basic' | 'dynamic' | 'supervision' | 'obligations' | 'social' | 'related';

export const FEATURE_GROUPS: Record<FeatureGroup, LocalizedText> = {
  basic: { zh: '基础属性', en: 'Basic attributes' },
  dynamic: { zh: '动态信息', en: 'Dynamic information' },
  supervision: { zh: '监管信息', en: 'Supervision information' },
  obligations: { zh: '履约信息', en: 'Obligations' },
  social: { zh: '社会评价', en: 'Social evaluation' },
  related: { zh: '关联关系', en: 'Related parties' },
};

export interface FeatureInfo {
  group: FeatureGroup;
  label: LocalizedText;
}

function f(group: FeatureGroup, zh: string, en: string): FeatureInfo {
  return { group, label: { zh, en } };
}

// Every feature computeProfile emits, in display order. Window lengths in the names are those of
// DEFAULT_PROFILE_CONFIG.
export const FEATURE_CATALOGUE: Record<string, FeatureInfo> = {
  // 基础属性
  age_years: f('basic', '成立年限（年）', 'Years since establishment'),
  newly_established: f('basic', '新设立主体（不满一年）', 'Newly established (under one year)'),
  registered_capital_10k: f('basic', '注册资本（万元）', 'Registered capital (CNY 10,000)'),
  industry_risk_level: f('basic', '行业风险等级（1–3）', 'Industry risk level (1–3)'),
  entity_status_abnormal: f('basic', '登记状态异常（吊销或注销）', 'Registration revoked or deregistered'),
  // 许可经营项目 (registration.licensedActivities); 0 when the registration feed does not say
  licensed_activities_count: f('basic', '许可经营项目数', 'Licensed business activities (count)'),
  licensed_alcohol: f(
    'basic',
    '许可经营酒类（零售或堂饮）',
    'Licensed for alcohol (retail or on the premises)',
  ),
  licensed_alcohol_on_premises: f(
    'basic',
    '许可酒类堂饮（店内饮酒）',
    'Licensed for alcohol consumed on the premises',
  ),
  licensed_tobacco: f('basic', '许可烟草零售', 'Licensed for tobacco retail'),
  // 动态信息
  legal_rep_changes_12m: f(
    'dynamic',
    '近12个月法定代表人变更次数',
    'Legal representative changes, last 12 months',
  ),
  address_changes_12m: f(
    'dynamic',
    '近12个月住所（经营场所）变更次数',
    'Registered address changes, last 12 months',
  ),
  status_changes_12m: f('dynamic', '近12个月登记状态变更次数', 'Registration status changes, last 12 months'),
  // 监管信息
  inspections_36m: f('supervision', '近36个月被检查次数', 'Inspections, last 36 months'),
  days_since_last_inspection: f('supervision', '距上次检查天数', 'Days since last inspection'),
  last_inspection_failed: f('supervision', '最近一次检查不合格', 'Last inspection failed'),
  inspection_fail_decayed: f('supervision', '检查不合格（时间衰减）', 'Failed inspections (time-decayed)'),
  inspection_unreachable_decayed: f(
    'supervision',
    '通过登记住所无法联系或未经营（时间衰减）',
    'Unreachable at registered address or not operating (time-decayed)',
  ),
  inspection_rectified_decayed: f(
    'supervision',
    '检查发现问题已整改（时间衰减）',
    'Issues found and rectified (time-decayed)',
  ),
  critical_violations_decayed: f(
    'supervision',
    '检查发现重大违法问题（时间衰减）',
    'Critical violations found (time-decayed)',
  ),
  serious_violations_decayed: f(
    'supervision',
    '检查发现严重问题（时间衰减）',
    'Serious violations found (time-decayed)',
  ),
  minor_violations_decayed: f(
    'supervision',
    '检查发现一般问题（时间衰减）',
    'Minor violations found (time-decayed)',
  ),
  last_inspection_critical: f(
    'supervision',
    '最近一次检查发现的重大违法问题数',
    'Critical violations found at the latest inspection',
  ),
  last_inspection_serious: f(
    'supervision',
    '最近一次检查发现的严重问题数',
    'Serious violations found at the latest inspection',
  ),
  last_inspection_minor: f(
    'supervision',
    '最近一次检查发现的一般问题数',
    'Minor violations found at the latest inspection',
  ),
  repeat_findings_36m: f(
    'supervision',
    '近36个月在两次以上检查中重复发现的问题项数',
    'Findings cited again at a later inspection, last 36 months',
  ),
  clean_inspections_36m: f(
    'supervision',
    '近36个月未发现问题的检查次数',
    'Inspections with no issue found, last 36 months',
  ),
  complaint_inspections_decayed: f(
    'supervision',
    '投诉举报引发的检查（时间衰减）',
    'Complaint-triggered inspections (time-decayed)',
  ),
  follow_up_inspections_decayed: f('supervision', '复查（时间衰减）', 'Follow-up inspections (time-decayed)'),
  adverse_trend_12m: f(
    'supervision',
    '近12个月不良记录数减前12个月不良记录数（趋势）',
    'Adverse records in the last 12 months minus the 12 months before (trend)',
  ),
  premises_high_risk: f(
    'supervision',
    '检查部门最近一次评定经营场所为高风险',
    'Premises last graded high risk by the inspecting department',
  ),
  penalties_12m: f('supervision', '近12个月行政处罚次数', 'Administrative penalties, last 12 months'),
  penalties_36m: f('supervision', '近36个月行政处罚次数', 'Administrative penalties, last 36 months'),
  penalties_decayed: f('supervision', '行政处罚（时间衰减）', 'Administrative penalties (time-decayed)'),
  severe_penalties_36m: f(
    'supervision',
    '近36个月较重行政处罚次数（暂扣或吊销许可、降低资质、责令停产停业、责令关闭）',
    'Severe penalties, last 36 months (licence suspension or revocation, downgrade, suspension, closure)',
  ),
  fines_36m_10k: f('supervision', '近36个月罚款金额（万元）', 'Fines, last 36 months (CNY 10,000)'),
  large_fines_36m: f('supervision', '近36个月大额罚款次数', 'Large fines, last 36 months'),
  on_abnormal_list: f('supervision', '经营异常名录在列', 'On the abnormal-operations list'),
  on_serious_violation_list: f('supervision', '严重违法失信名单在列', 'On the serious-violation list'),
  ever_serious_violation: f('supervision', '曾被列入严重违法失信名单', 'Ever on the serious-violation list'),
  listings_36m: f('supervision', '近36个月被列入名录或名单次数', 'List additions, last 36 months'),
  // 履约信息
  on_court_defaulter_list: f('obligations', '失信被执行人在列', 'On the court defaulter list'),
  on_tax_violation_list: f('obligations', '重大税收违法失信主体在列', 'On the major tax violator list'),
  tax_arrears_decayed: f('obligations', '欠缴税款（时间衰减）', 'Tax arrears (time-decayed)'),
  social_insurance_arrears_decayed: f(
    'obligations',
    '欠缴社会保险费（时间衰减）',
    'Social insurance arrears (time-decayed)',
  ),
  court_judgment_defaults_36m: f(
    'obligations',
    '近36个月未履行法院判决次数',
    'Court judgment defaults, last 36 months',
  ),
  // 社会评价
  complaints_12m: f('social', '近12个月投诉举报次数', 'Complaints, last 12 months'),
  verified_complaints_12m: f('social', '近12个月查实投诉举报次数', 'Verified complaints, last 12 months'),
  complaints_decayed: f('social', '投诉举报（时间衰减）', 'Complaints (time-decayed)'),
  // 关联关系
  related_legal_rep_flagged: f(
    'related',
    '同一法定代表人的失信或重罚关联主体数',
    'Entities with the same legal representative that are listed or heavily penalised',
  ),
  related_address_flagged: f(
    'related',
    '同一住所的失信或重罚关联主体数',
    'Entities at the same registered address that are listed or heavily penalised',
  ),
};

export const FEATURE_NAMES: readonly string[] = Object.keys(FEATURE_CATALOGUE);

// A profile as stored: features that are 0 are left out (most features of most entities are), which
// keeps the JSON PostgreSQL parses on every save small; `allFeatures` puts them back on reading, so
// rules and staff always see every feature. SQL readers use coalesce(…, 0) or a comparison that is
// false on NULL.
export function storedFeatures(features: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name in features) if (features[name] !== 0) out[name] = features[name];
  return out;
}

export function allFeatures(stored: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of FEATURE_NAMES) out[name] = stored[name] ?? 0;
  for (const [name, v] of Object.entries(stored)) if (!(name in out)) out[name] = v;
  return out;
}

// Counts of OTHER entities sharing this entity's legal representative / registered address that are
// currently on the serious-violation or court-defaulter list or had a licence revocation / heavy
// penalty. Computed in SQL by the caller.
export interface RelatedPartySignals {
  sameLegalRepFlagged: number;
  sameAddressFlagged: number;
}

export type IndustryRiskLevel = 1 | 2 | 3;

// GB/T 4754-2017 code prefix (section letter, then division/group/class digits) → risk level.
// The longest matching prefix wins, so 'C' → 2 and 'C27' → 3 can coexist.
export interface IndustryRiskRule {
  prefix: string;
  level: IndustryRiskLevel;
}

export interface ProfileConfig {
  // Half-life of each signal family's time decay: weight = 0.5^(ageDays / halfLife).
  halfLifeDays: { inspection: number; penalty: number; complaint: number; obligation: number };
  shortWindowMonths: number; // the "12m" features
  longWindowMonths: number; // the "36m" features
  largeFineCny: number; // a single fine at or above this counts in large_fines_36m
  newlyEstablishedMonths: number;
  maxDaysSinceInspection: number; // also the value when never inspected
  industryRisk: readonly IndustryRiskRule[];
  defaultIndustryRiskLevel: IndustryRiskLevel;
}

// Same table as config/scoring/scorecard-v1.json, for profiles computed without a scorecard: food,
// drugs, medical, hazardous chemicals, special equipment, gas, mining and construction are level 3;
// goods-producing, trading and complaint-heavy consumer sectors 2; the rest (IT, services) 1.
export const DEFAULT_INDUSTRY_RISK: readonly IndustryRiskRule[] = [
  { prefix: 'A', level: 2 }, // 农林牧渔：食用农产品源头
  { prefix: 'B', level: 3 }, // 采矿：安全生产、危险作业
  { prefix: 'C', level: 2 }, // 制造业
  { prefix: 'C13', level: 3 }, // 农副食品加工
  { prefix: 'C14', level: 3 }, // 食品制造
  { prefix: 'C15', level: 3 }, // 酒、饮料和精制茶制造
  { prefix: 'C25', level: 3 }, // 石油、煤炭及其他燃料加工：危险化学品
  { prefix: 'C26', level: 3 }, // 化学原料和化学制品制造：危险化学品、化妆品
  { prefix: 'C27', level: 3 }, // 医药制造
  { prefix: 'C341', level: 3 }, // 锅炉及原动设备制造：特种设备
  { prefix: 'C343', level: 3 }, // 物料搬运设备制造（电梯、起重机械）：特种设备
  { prefix: 'C358', level: 3 }, // 医疗仪器设备及器械制造
  { prefix: 'D', level: 2 }, // 电力、热力、燃气及水生产和供应
  { prefix: 'D45', level: 3 }, // 燃气生产和供应
  { prefix: 'E', level: 3 }, // 建筑业
  { prefix: 'F', level: 2 }, // 批发和零售业
  { prefix: 'F512', level: 3 }, // 食品、饮料及烟草制品批发
  { prefix: 'F515', level: 3 }, // 医药及医疗器材批发
  { prefix: 'F5212', level: 3 }, // 超级市场零售（食品）
  { prefix: 'F5213', level: 3 }, // 便利店零售（食品）
  { prefix: 'F522', level: 3 }, // 食品、饮料及烟草制品专门零售
  { prefix: 'F525', level: 3 }, // 医药及医疗器材专门零售
  { prefix: 'G', level: 2 }, // 交通运输、仓储和邮政
  { prefix: 'H61', level: 3 }, // 住宿业
  { prefix: 'H62', level: 3 }, // 餐饮业
  { prefix: 'K', level: 2 }, // 房地产业：预售、物业投诉
  { prefix: 'O', level: 2 }, // 居民服务：预付式消费投诉
  { prefix: 'Q84', level: 3 }, // 卫生：医疗机构
  { prefix: 'R', level: 2 }, // 文化、体育和娱乐：大型游乐设施
];

export const DEFAULT_PROFILE_CONFIG: ProfileConfig = {
  halfLifeDays: { inspection: 365, penalty: 730, complaint: 180, obligation: 365 },
  shortWindowMonths: 12,
  longWindowMonths: 36,
  largeFineCny: 100_000,
  newlyEstablishedMonths: 12,
  maxDaysSinceInspection: 1095,
  industryRisk: DEFAULT_INDUSTRY_RISK,
  defaultIndustryRiskLevel: 1,
};

// 较重行政处罚: the licence, qualification and production sanctions of Administrative Penalty Law art. 9.
// Exported so that the related-party SQL can use the same definition of a heavy penalty.
export const SEVERE_PENALTY_TYPES: ReadonlySet<PenaltyType> = new Set<PenaltyType>([
  'license_suspension',
  'license_revocation',
  'qualification_downgrade',
  'business_suspension',
  'closure',
]);

export interface ProfileInput {
  entity: EntitySnapshot;
  records: readonly StoredRecord[];
  related?: RelatedPartySignals;
  asOf: string; // YYYY-MM-DD
}

export interface Profile {
  asOf: string;
  features: Record<string, number>;
}

// Rules normalised once per table (upper case, longest prefix first), not once per entity.
const compiledRules = new WeakMap<readonly IndustryRiskRule[], IndustryRiskRule[]>();
function compileRules(rules: readonly IndustryRiskRule[]): IndustryRiskRule[] {
  let compiled = compiledRules.get(rules);
  if (!compiled) {
    compiled = rules
      .map((r) => ({ prefix: r.prefix.trim().toUpperCase(), level: r.level }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    compiledRules.set(rules, compiled);
  }
  return compiled;
}

export function industryRiskLevel(
  industryCode: string | null | undefined,
  rules: readonly IndustryRiskRule[],
  defaultLevel: IndustryRiskLevel,
): IndustryRiskLevel {
  const code = (industryCode ?? '').trim().toUpperCase();
  if (!code) return defaultLevel;
  for (const rule of compileRules(rules)) if (code.startsWith(rule.prefix)) return rule.level;
  return defaultLevel;
}

interface Dated<K extends RecordKind = RecordKind> {
  day: number;
  record: StoredRecord<K>;
}

function isKind<K extends RecordKind>(d: Dated, kind: K): d is Dated<K> {
  return d.record.kind === kind;
}

// 经营场所风险等级 as graded by the inspecting department (e.g. 食品生产经营风险分级, or a city's
// facility risk category), carried by inspection records: the latest grade counts. Only "high" is a
// feature: an entity never graded (no inspection yet) is not a low-risk one, so the level is not an
// ordered number (on Chicago the ungraded first inspections find more than the low-graded ones).
const PREMISES_RISK_LEVEL: Readonly<Record<string, number>> = { low: 1, medium: 2, high: 3 };

// 许可经营项目: the activities of the latest day any registration record listed them (several records
// of one day, e.g. one per licence held, add up); a record without the field leaves them unchanged.
function licensedActivityFeatures(
  x: Record<string, number>,
  activities: ReadonlySet<LicensedActivity>,
): void {
  x.licensed_activities_count = activities.size;
  x.licensed_alcohol = activities.has('alcohol_retail') || activities.has('alcohol_on_premises') ? 1 : 0;
  x.licensed_alcohol_on_premises = activities.has('alcohol_on_premises') ? 1 : 0;
  x.licensed_tobacco = activities.has('tobacco_retail') ? 1 : 0;
}

const LIST_FEATURE: Record<ListName, string> = {
  abnormal_operations: 'on_abnormal_list',
  serious_violation: 'on_serious_violation_list',
  court_defaulter: 'on_court_defaulter_list',
  tax_violation: 'on_tax_violation_list',
};

// Copied per profile: spreading one template keeps every profile object in the same fast shape.
const ZERO_FEATURES: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])),
);
const DECAYED_FEATURES = FEATURE_NAMES.filter((name) => name.endsWith('_decayed'));

const round = (x: number, digits: number): number => {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
};

// Names and addresses as typed by different clerks: full-width/half-width and spacing are not changes.
const normalizeText = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '');

// Counts value changes between consecutive registration records carrying a field.
class ChangeCounter {
  private prevRaw: string | undefined;
  private prev: string | undefined;
  count = 0;

  see(raw: string | null | undefined, countIt: boolean): void {
    if (!raw || raw === this.prevRaw) return; // identical text: no change, skip normalising
    const v = normalizeText(raw);
    if (!v) return;
    if (this.prev !== undefined && v !== this.prev && countIt) this.count++;
    this.prev = v;
    this.prevRaw = raw;
  }
}

const byDayThenId = (a: Dated, b: Dated): number =>
  a.day - b.day || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0);
// On the same day an addition is applied before a removal: a same-day add+remove ends off the list.
const listingOrder = (a: Dated<'listing'>, b: Dated<'listing'>): number =>
  a.day - b.day || Number(a.record.data.action === 'removed') - Number(b.record.data.action === 'removed');

export function computeProfile(input: ProfileInput, config: ProfileConfig = DEFAULT_PROFILE_CONFIG): Profile {
  const asOfDay = dayNumber(input.asOf);
  if (Number.isNaN(asOfDay)) throw new Error(`computeProfile: asOf '${input.asOf}' is not a YYYY-MM-DD date`);
  const shortStart = addMonths(asOfDay, -config.shortWindowMonths); // windows are (start, asOf]
  const longStart = addMonths(asOfDay, -config.longWindowMonths);
  const hl = config.halfLifeDays;
  const decay = (day: number, halfLife: number): number => 0.5 ** ((asOfDay - day) / halfLife);

  // Stored records passed ingest validation; a bad date here is a data bug and must be loud.
  const all: Dated[] = [];
  for (const record of input.records) {
    // Repaired before asOf: as if it had never been sent (almost every record has no countsUntil).
    if (record.countsUntil && !countsAsOf(record, input.asOf)) continue;
    const day = dayNumber(record.occurredAt);
    if (Number.isNaN(day)) {
      throw new Error(`computeProfile: record ${record.id} has invalid occurredAt '${record.occurredAt}'`);
    }
    all.push({ day, record });
  }
  // Date order, ties broken by id, so the result never depends on the order records arrive in.
  all.sort(byDayThenId);

  const x: Record<string, number> = { ...ZERO_FEATURES };
  const regs: Dated<'registration'>[] = []; // all of them: future ones tell whether the snapshot is stale
  const listings: Dated<'listing'>[] = [];
  let lastInspectionDay = -Infinity;
  let lastInspectionFailed = 0;
  let lastViolations = { critical: 0, serious: 0, minor: 0 };
  let premisesRisk = 0; // of the latest inspection that graded the premises
  // Findings (normalised text) → the last inspection day it was cited on, within the long window.
  const findingDays = new Map<string, number>();
  const repeated = new Set<string>();
  const trendStart = addMonths(asOfDay, -2 * config.shortWindowMonths);
  let adverseShort = 0;
  let adversePrior = 0;
  const adverse = (day: number) => {
    if (day > shortStart) adverseShort++;
    else if (day > trendStart) adversePrior++;
  };

  // --- 监管信息, 履约信息, 社会评价: one pass over the records up to asOf ---
  for (const d of all) {
    if (isKind(d, 'registration')) {
      regs.push(d);
      continue;
    }
    const day = d.day;
    if (day > asOfDay) continue;
    const inShort = day > shortStart;
    const inLong = day > longStart;
    if (isKind(d, 'inspection')) {
      const data = d.record.data;
      const w = decay(day, hl.inspection);
      if (inLong) x.inspections_36m++;
      if (data.result === 'fail') x.inspection_fail_decayed += w;
      else if (data.result === 'unreachable' || data.result === 'not_operating')
        x.inspection_unreachable_decayed += w;
      else if (data.result === 'rectified') x.inspection_rectified_decayed += w;
      const critical = data.violations?.critical ?? 0;
      const serious = data.violations?.serious ?? 0;
      const minor = data.violations?.minor ?? 0;
      x.critical_violations_decayed += critical * w;
      x.serious_violations_decayed += serious * w;
      x.minor_violations_decayed += minor * w;
      if (data.trigger === 'complaint') x.complaint_inspections_decayed += w;
      else if (data.trigger === 'follow_up') x.follow_up_inspections_decayed += w;
      if (data.result === 'fail' || critical > 0) adverse(day);
      if (inLong) {
        if (data.result === 'pass' && critical + serious + minor === 0) x.clean_inspections_36m++;
        for (const text of data.findings ?? []) {
          const key = normalizeText(text);
          if (!key) continue;
          const seen = findingDays.get(key);
          if (seen !== undefined && seen < day) repeated.add(key);
          findingDays.set(key, day);
        }
      }
      const level = PREMISES_RISK_LEVEL[data.premisesRisk ?? ''];
      if (level) premisesRisk = level;
      // Several inspections on the latest day: failed if any of them failed; violations add up.
      if (day > lastInspectionDay) {
        lastInspectionFailed = 0;
        lastViolations = { critical: 0, serious: 0, minor: 0 };
      }
      lastInspectionDay = day;
      if (data.result === 'fail') lastInspectionFailed = 1;
      lastViolations.critical += critical;
      lastViolations.serious += serious;
      lastViolations.minor += minor;
    } else if (isKind(d, 'penalty')) {
      const data = d.record.data;
      x.penalties_decayed += decay(day, hl.penalty);
      adverse(day);
      if (inShort) x.penalties_12m++;
      if (inLong) {
        x.penalties_36m++;
        if ((data.penaltyTypes ?? []).some((t) => SEVERE_PENALTY_TYPES.has(t))) x.severe_penalties_36m++;
        const fine = data.fineAmount ?? 0;
        x.fines_36m_10k += fine / 10_000;
        if (fine > 0 && fine >= config.largeFineCny) x.large_fines_36m++;
      }
    } else if (isKind(d, 'complaint')) {
      x.complaints_decayed += decay(day, hl.complaint);
      if (inShort) {
        x.complaints_12m++;
        if (d.record.data.verified === true) x.verified_complaints_12m++;
      }
    } else if (isKind(d, 'obligation_default')) {
      const type = d.record.data.type;
      if (type === 'tax_arrears') x.tax_arrears_decayed += decay(day, hl.obligation);
      else if (type === 'social_insurance_arrears')
        x.social_insurance_arrears_decayed += decay(day, hl.obligation);
      else if (type === 'court_judgment' && inLong) x.court_judgment_defaults_36m++;
    } else if (isKind(d, 'listing')) {
      listings.push(d);
    }
  }
  x.days_since_last_inspection = Number.isFinite(lastInspectionDay)
    ? Math.min(asOfDay - lastInspectionDay, config.maxDaysSinceInspection)
    : config.maxDaysSinceInspection;
  x.last_inspection_failed = lastInspectionFailed;
  x.last_inspection_critical = lastViolations.critical;
  x.last_inspection_serious = lastViolations.serious;
  x.last_inspection_minor = lastViolations.minor;
  x.repeat_findings_36m = repeated.size;
  x.premises_high_risk = premisesRisk === 3 ? 1 : 0;

  // Listing membership: replay add/remove events per list in date order.
  listings.sort(listingOrder);
  const current: Partial<Record<ListName, boolean>> = {};
  let everSerious = false;
  for (const d of listings) {
    const { list, action } = d.record.data;
    if (action === 'added') {
      current[list] = true;
      if (list === 'serious_violation') everSerious = true;
      if (d.day > longStart) x.listings_36m++;
      if (d.day <= asOfDay) adverse(d.day);
    } else {
      current[list] = false; // a removal without a prior addition is a no-op
    }
  }
  for (const list of Object.keys(LIST_FEATURE) as ListName[]) x[LIST_FEATURE[list]] = current[list] ? 1 : 0;
  x.ever_serious_violation = everSerious ? 1 : 0;
  x.adverse_trend_12m = adverseShort - adversePrior;

  // --- 基础属性 + 动态信息 from registration history ---
  // A field's value as of asOf comes from the registration records when they carry that field at all
  // (the snapshot may then reflect a later state), else from the current snapshot.
  const latest: { establishedOn?: string; capital?: number; industryCode?: string; status?: EntityStatus } =
    {};
  const carried = { establishedOn: false, capital: false, industryCode: false, status: false };
  const legalRep = new ChangeCounter();
  const address = new ChangeCounter();
  const statusChanges = new ChangeCounter();
  let activitiesDay = -Infinity;
  let activities = new Set<LicensedActivity>();
  for (const d of regs) {
    const data: RegistrationData = d.record.data;
    const visible = d.day <= asOfDay;
    if (visible && data.licensedActivities?.length) {
      if (d.day > activitiesDay) {
        activitiesDay = d.day;
        activities = new Set();
      }
      for (const a of data.licensedActivities) activities.add(a);
    }
    if (data.establishedOn) {
      carried.establishedOn = true;
      if (visible) latest.establishedOn = data.establishedOn;
    }
    if (data.registeredCapital !== undefined && data.registeredCapital !== null) {
      carried.capital = true;
      if (visible) latest.capital = data.registeredCapital;
    }
    if (data.industryCode) {
      carried.industryCode = true;
      if (visible) latest.industryCode = data.industryCode;
    }
    if (data.status) {
      carried.status = true;
      if (visible) latest.status = data.status;
    }
    if (!visible) continue;
    const inShort = d.day > shortStart;
    legalRep.see(data.legalRepresentative?.name, inShort);
    address.see(data.address, inShort);
    statusChanges.see(data.status, inShort);
  }
  const { entity } = input;
  const pick = <T>(isCarried: boolean, value: T | undefined, snapshot: T | null): T | null =>
    isCarried ? (value ?? null) : snapshot;
  const establishedOn = pick(carried.establishedOn, latest.establishedOn, entity.establishedOn);
  const capital = pick(carried.capital, latest.capital, entity.registeredCapital);
  const industryCode = pick(carried.industryCode, latest.industryCode, entity.industryCode);
  const status = pick(carried.status, latest.status, entity.status);

  const establishedDay = establishedOn ? dayNumber(establishedOn) : NaN;
  if (!Number.isNaN(establishedDay)) {
    x.age_years = round(Math.max(0, asOfDay - establishedDay) / 365.25, 2);
    x.newly_established = establishedDay > addMonths(asOfDay, -config.newlyEstablishedMonths) ? 1 : 0;
  } // unknown establishment date: age 0 but not flagged as new
  x.registered_capital_10k = capital && capital > 0 ? round(capital / 10_000, 2) : 0;
  x.industry_risk_level = industryRiskLevel(
    industryCode,
    config.industryRisk,
    config.defaultIndustryRiskLevel,
  );
  x.entity_status_abnormal = status === 'revoked' || status === 'deregistered' ? 1 : 0;
  licensedActivityFeatures(x, activities);
  x.legal_rep_changes_12m = legalRep.count;
  x.address_changes_12m = address.count;
  x.status_changes_12m = statusChanges.count;

  // --- 关联关系 ---
  x.related_legal_rep_flagged = Math.max(0, input.related?.sameLegalRepFlagged ?? 0);
  x.related_address_flagged = Math.max(0, input.related?.sameAddressFlagged ?? 0);

  // Stable, storable numbers: decayed sums to 4 decimals, money to 2.
  for (const name of DECAYED_FEATURES) x[name] = round(x[name], 4);
  x.fines_36m_10k = round(x.fines_36m_10k, 2);

  return { asOf: input.asOf.slice(0, 10), features: x };
}
