import type {
  CanonicalRecord,
  Domain,
  EntityStatus,
  InspectionResult,
  InspectionTrigger,
  ListName,
  ObligationType,
  PenaltyType,
  RecordKind,
  RegistrationData,
} from '@lianjian/domain';
import { RECORD_KIND_SPECS, RECORD_KINDS } from '@lianjian/domain';
import { DayFormatter, daysFromCivil, formatDay, parseDay } from '@lianjian/common';
import {
  citiesOf,
  countiesOf,
  makeUscc,
  regionName,
  residentIdCheckChar,
  USCC_CHARSET,
} from '@lianjian/reference';
import {
  cityDisplayName,
  countyFullName,
  DEPARTMENT_KINDS,
  departmentCode,
  type DepartmentKind,
  type DepartmentSeed,
  generateDepartments,
  shortRegionName,
} from './departments';
import { INDUSTRIES, type IndustryProfile } from './industries';
import { forkRng, hashIds, type Rng, WeightedTable } from './prng';
import {
  BUILDING_SUFFIXES,
  DECISION_ABBREVIATIONS,
  FINDINGS,
  GIVEN_NAME_CHARS,
  LABOUR_COMPLAINT,
  LEGAL_BASES,
  RANDOM_INSPECTION_MATTERS,
  REASONS,
  SAMR_MATTERS,
  ROADS,
  SURNAME_WEIGHTS,
  SURNAMES,
  TOWN_SUFFIXES,
  TRADE_NAME_CHARS,
  VILLAGE_SUFFIXES,
} from './zh-text';

// Synthetic market entities of one province with records of every kind over a few years, and a planted
// latent risk per entity so that scoring quality can be measured against a known truth.
//
// Reproducible: entity i depends only on (seed, i) — never on entities 0..i-1 or on the entity count —
// so a run can be split across processes or resumed at any index. People and shared addresses that
// several entities have in common are derived from (seed, block of 1,000 indices, slot), likewise
// independent of generation order.
//
// Records come as { source, record } pairs: `record` is a pure canonical record (API.md) and `source`
// the departmental source to send it under (`POST /api/v1/records` takes one source per batch).
// Sources are `${department kind}-${kind}` in lower case, e.g. 'samr-registration', 'samr-inspection',
// 'ema-inspection', 'samr-complaint', 'court-listing', 'tax-obligation'; sourceRecordIds are
// `${REG|INS|PEN|LST|CMP|OBL}-${uscc}-${n}`, unique across all sources.

export interface SyntheticRecord {
  source: string;
  record: CanonicalRecord;
}

export interface SyntheticEntity {
  index: number;
  uscc: string;
  // The planted truth in [0, 1]: the entity's propensity for adverse records. Never written to the
  // product's tables; only evaluation reads it.
  latentRisk: number;
  // Sorted by occurredAt; the first is the entity's registration record.
  records: SyntheticRecord[];
}

export interface SyntheticProvinceOptions {
  entities: number;
  seed: number;
  provinceCode?: string; // default '330000' (浙江省)
  end: string; // YYYY-MM-DD, last day of history
  years?: number; // default 3
}

export interface SyntheticProvince {
  departments: DepartmentSeed[];
  start: string; // first day of history
  end: string;
  // Entities [from, to) in index order; defaults to all of them.
  entities(from?: number, to?: number): Generator<SyntheticEntity>;
  // Entity i alone, identical to the one entities() yields.
  entity(index: number): SyntheticEntity;
}

export const ENTITY_TYPES = [
  '有限责任公司',
  '股份有限公司',
  '个体工商户',
  '农民专业合作社',
  '分公司',
] as const;
export type SyntheticEntityType = (typeof ENTITY_TYPES)[number];

export function syntheticSource(dept: DepartmentKind, kind: RecordKind): string {
  return `${dept.toLowerCase()}-${RECORD_KIND_SPECS[kind].shortName}`;
}

// Department kinds that sit at city or province level for the entities of a county.
const CITY_LEVEL = new Set<DepartmentKind>(['COURT', 'TRANS', 'HOUSING', 'CULT']);
const PROVINCE_LEVEL = new Set<DepartmentKind>(['MPA', 'HIGHCOURT']);

const BLOCK = 1000; // shared people and addresses are drawn within blocks of this many indices
const POOLED_PEOPLE_PER_BLOCK = 60;
const SHARED_ADDRESSES_PER_BLOCK = 25;
const EARLIEST_ESTABLISHED = daysFromCivil(1995, 1, 1);
const USCC_REFORM = daysFromCivil(2015, 10, 1); // codes issued since carry 'MA…' organisation bodies
const BIRTH_SPAN_DAYS = 40 * 365;
const ID_SPACE = BIRTH_SPAN_DAYS * 999; // (birth day, sequence) pairs: people get distinct ID numbers
const BASE31_6 = 31 ** 6;
const RISK_INTERCEPT = -2.7;
const SURNAME_TABLE = new WeightedTable(SURNAMES, SURNAME_WEIGHTS);

// Typical fine (CNY) by violation domain, before the entity's scale and risk.
const FINE_MEDIAN: Record<Domain, number> = {
  market_regulation: 5000,
  food_safety: 15000,
  drugs: 30000,
  medical_devices: 20000,
  cosmetics: 15000,
  special_equipment: 30000,
  product_quality: 20000,
  tax: 20000,
  environment: 80000,
  labour: 10000,
  work_safety: 30000,
  public_health: 3000,
  court_enforcement: 10000,
  education: 10000,
  transport: 5000,
  construction: 50000,
  culture_tourism: 8000,
  credit_coordination: 0, // coordinates; imposes no penalties of its own
};
// Domains where a licence can be suspended or revoked.
const LICENSED = new Set<Domain>([
  'food_safety',
  'drugs',
  'medical_devices',
  'cosmetics',
  'special_equipment',
  'public_health',
  'education',
  'transport',
  'construction',
  'culture_tourism',
  'environment',
]);

interface CountyInfo {
  code: string;
  name: string;
  fullName: string; // 杭州市西湖区, 桐庐县
  addressPrefix: string; // 浙江省杭州市桐庐县
  cityName: string;
  cityShort: string;
  deptCodes: Record<DepartmentKind, string>;
  regionAbbr: Record<DepartmentKind, string>; // 杭西 / 杭 / 浙, for decision numbers
}

interface Person {
  name: string;
  idNumber: string;
  county: CountyInfo;
  effect: number; // contribution to the latent risk of every entity this person runs
}

interface SharedAddress {
  county: CountyInfo;
  text: string;
  effect: number;
}

interface Context {
  seed: number;
  provinceName: string;
  provinceShort: string;
  startDay: number;
  endDay: number;
  years: number;
  segmentDays: number;
  fmt: DayFormatter;
  counties: WeightedTable<CountyInfo>;
  industries: WeightedTable<IndustryProfile>;
  usccMa: [Affine, Affine];
  usccOld: [Affine, Affine];
  idMap: Affine;
  sources: Record<DepartmentKind, Record<RecordKind, string>>;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

// 1, 2, 3, 5 or 8 times a power of ten: registered capital is declared in round sums.
function roundCapital(x: number): number {
  if (!(x >= 1000)) return 1000;
  const e = 10 ** Math.floor(Math.log10(x));
  const m = x / e;
  const step = m < 1.5 ? 1 : m < 2.5 ? 2 : m < 4 ? 3 : m < 6.5 ? 5 : m < 9 ? 8 : 10;
  return step * e;
}

function roundFine(x: number): number {
  return Math.max(200, Math.round(x / 100) * 100);
}

// A multiplier coprime with the modulus, from the seed, for index → code bijections.
type Affine = [multiplier: number, offset: number];

function coprimeMultiplier(seed: number, label: string, modulus: number, primes: number[]): Affine {
  let a = ((hashIds(seed, label, 'a') % (1 << 22)) << 1) + 1; // odd, < 2^23: index × a stays exact
  while (primes.some((p) => a % p === 0)) a += 2;
  return [a, hashIds(seed, label, 'b') % modulus];
}

// A bijection of [0, base^width) that makes consecutive indices look unrelated: affine map, digit
// reversal, affine map. Each step is a bijection, so distinct indices keep distinct codes.
function scramble(index: number, base: number, width: number, first: Affine, second: Affine): number {
  const modulus = base ** width;
  let x = (index * first[0] + first[1]) % modulus;
  let reversed = 0;
  for (let i = 0; i < width; i++) {
    reversed = reversed * base + (x % base);
    x = Math.floor(x / base);
  }
  return (reversed * second[0] + second[1]) % modulus;
}

function base31(value: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = USCC_CHARSET[value % 31] + s;
    value = Math.floor(value / 31);
  }
  return s;
}

function skewedSlot(rng: Rng, slots: number): number {
  // a few people and addresses are behind many entities, most behind two or three
  return Math.floor(slots * rng.float() ** 1.6);
}

function buildContext(opts: SyntheticProvinceOptions, departments: DepartmentSeed[]): Context {
  const provinceCode = opts.provinceCode ?? '330000';
  const endDay = parseDay(opts.end);
  const years = opts.years ?? 3;
  if (!Number.isInteger(years) || years < 1 || years > 30)
    throw new RangeError(`generateSyntheticProvince: years must be an integer 1..30, got ${years}`);
  const [ey, em, ed] = [
    Number(opts.end.slice(0, 4)),
    Number(opts.end.slice(5, 7)),
    Number(opts.end.slice(8, 10)),
  ];
  // same calendar day `years` earlier (28 Feb for 29 Feb), plus one: exactly `years` years of history
  const startDay = daysFromCivil(ey - years, em, em === 2 && ed === 29 ? 28 : ed) + 1;
  const provinceName = regionName(provinceCode) ?? provinceCode;
  const deptCodes = new Set(departments.map((d) => d.code));

  const countyInfos: CountyInfo[] = [];
  const weights: number[] = [];
  const cities = citiesOf(provinceCode);
  cities.forEach((city, cityIndex) => {
    const cityWeight = cityIndex === 0 ? 1.8 : cityIndex === 1 ? 1.4 : cityIndex === 2 ? 1.2 : 1;
    const cityName = cityDisplayName(city.name, provinceName);
    for (const county of countiesOf(city.code)) {
      const deptCodesOf = {} as Record<DepartmentKind, string>;
      const regionAbbr = {} as Record<DepartmentKind, string>;
      for (const kind of DEPARTMENT_KINDS) {
        const level = PROVINCE_LEVEL.has(kind)
          ? provinceCode
          : CITY_LEVEL.has(kind)
            ? city.code
            : county.code;
        const code = departmentCode(level, kind);
        if (!deptCodes.has(code)) {
          // a city without counties lists itself: county-level work falls to its city departments
          const fallback = departmentCode(city.code, kind);
          if (!deptCodes.has(fallback)) throw new Error(`synthetic generator: no department ${code}`);
          deptCodesOf[kind] = fallback;
        } else deptCodesOf[kind] = code;
        regionAbbr[kind] =
          level === provinceCode
            ? provinceName[0]
            : level === city.code || county.code === city.code
              ? cityName[0]
              : `${cityName[0]}${county.name[0]}`;
      }
      countyInfos.push({
        code: county.code,
        name: county.name,
        fullName: countyFullName(cityName, county.name),
        addressPrefix:
          cityName === provinceName
            ? `${provinceName}${county.name}`
            : `${provinceName}${cityName}${county.name}`,
        cityName,
        cityShort: shortRegionName(cityName),
        deptCodes: deptCodesOf,
        regionAbbr,
      });
      // city districts hold most firms, then county-level cities, then counties
      weights.push(cityWeight * (county.name.endsWith('区') ? 3 : county.name.endsWith('市') ? 2 : 1));
    }
  });
  if (countyInfos.length === 0)
    throw new RangeError(`generateSyntheticProvince: no counties in ${provinceCode}`);

  const sources = {} as Record<DepartmentKind, Record<RecordKind, string>>;
  for (const dept of DEPARTMENT_KINDS) {
    const perKind = {} as Record<RecordKind, string>;
    for (const kind of RECORD_KINDS) perKind[kind] = syntheticSource(dept, kind);
    sources[dept] = perKind;
  }

  return {
    seed: opts.seed,
    provinceName,
    provinceShort: shortRegionName(provinceName),
    startDay,
    endDay,
    years,
    segmentDays: (endDay - startDay + 1) / years,
    fmt: new DayFormatter(EARLIEST_ESTABLISHED, endDay),
    counties: new WeightedTable(countyInfos, weights),
    industries: new WeightedTable(
      INDUSTRIES,
      INDUSTRIES.map((i) => i.weight),
    ),
    usccMa: [
      coprimeMultiplier(opts.seed, 'uscc-ma-1', BASE31_6, [31]),
      coprimeMultiplier(opts.seed, 'uscc-ma-2', BASE31_6, [31]),
    ],
    usccOld: [
      coprimeMultiplier(opts.seed, 'uscc-old-1', 1e8, [2, 5]),
      coprimeMultiplier(opts.seed, 'uscc-old-2', 1e8, [2, 5]),
    ],
    idMap: coprimeMultiplier(opts.seed, 'resident-id', ID_SPACE, [2, 3, 5, 37, 73]),
    sources,
  };
}

function personName(rng: Rng): string {
  const surname = SURNAME_TABLE.sample(rng);
  return rng.chance(0.25)
    ? surname + rng.pick(GIVEN_NAME_CHARS)
    : surname + rng.pick(GIVEN_NAME_CHARS) + rng.pick(GIVEN_NAME_CHARS);
}

function tradeName(rng: Rng): string {
  const two = rng.pick(TRADE_NAME_CHARS) + rng.pick(TRADE_NAME_CHARS);
  return rng.chance(0.15) ? two + rng.pick(TRADE_NAME_CHARS) : two;
}

// People are keyed so that every key gets its own (birth date, sequence) and so its own ID number:
// 3i the original representative of entity i, 3s+1 the pooled person in slot s, 3(2i+c)+2 a successor.
function makePerson(ctx: Context, key: number, pooled: boolean): Person {
  const rng = forkRng(ctx.seed, 'person', key);
  const county = ctx.counties.sample(rng);
  const name = personName(rng);
  const h = (key * ctx.idMap[0] + ctx.idMap[1]) % ID_SPACE;
  const birthDay = ctx.endDay - 62 * 365 + Math.floor(h / 999);
  const seq = String((h % 999) + 1).padStart(3, '0');
  // the parts are valid by construction, so only the check character is computed (makeResidentId
  // re-validates the date with Date objects, a third of the generation time)
  const first17 = `${county.code}${formatDay(birthDay).replaceAll('-', '')}${seq}`;
  const idNumber = first17 + residentIdCheckChar(first17);
  // people behind several entities: a few are serial offenders, which related-party features should find
  const effect = pooled
    ? rng.chance(0.08)
      ? rng.normal(2.2, 0.4)
      : rng.normal(0.25, 0.8)
    : rng.normal(0, 0.7);
  return { name, idNumber, county, effect };
}

function pooledPerson(ctx: Context, block: number, slot: number): Person {
  return makePerson(ctx, 3 * (block * POOLED_PEOPLE_PER_BLOCK + slot) + 1, true);
}

function streetAddress(rng: Rng, ctx: Context, county: CountyInfo): string {
  const base = `${county.addressPrefix}${rng.pick(ROADS)}${rng.int(1, 999)}号`;
  return rng.chance(0.5) ? `${base}${rng.int(1, 30)}幢${rng.int(1, 28)}0${rng.int(1, 9)}室` : base;
}

function ruralAddress(rng: Rng, ctx: Context, county: CountyInfo): string {
  const town = tradeName(rng).slice(0, 2) + rng.pick(TOWN_SUFFIXES);
  const village = tradeName(rng).slice(0, 2) + rng.pick(VILLAGE_SUFFIXES);
  return `${county.addressPrefix}${town}${village}${rng.int(1, 300)}号`;
}

function sharedAddress(ctx: Context, block: number, slot: number): SharedAddress {
  const rng = forkRng(ctx.seed, 'address', block, slot);
  const county = ctx.counties.sample(rng);
  const text =
    `${county.addressPrefix}${rng.pick(ROADS)}${rng.int(1, 500)}号` +
    `${tradeName(rng)}${rng.pick(BUILDING_SUFFIXES)}${rng.int(2, 25)}楼${rng.int(1, 60)}室`;
  // a third are registration hubs (集中登记地) where shell companies gather
  const effect = rng.chance(0.35) ? rng.normal(1.5, 0.4) : rng.normal(0.1, 0.4);
  return { county, text, effect };
}

function pickEntityType(rng: Rng, ind: IndustryProfile): SyntheticEntityType {
  const u = rng.float();
  if (u < ind.individualShare) return '个体工商户';
  if (u < ind.individualShare + ind.coopShare) return '农民专业合作社';
  const v = rng.float();
  return v < 0.06 ? '分公司' : v < 0.08 ? '股份有限公司' : '有限责任公司';
}

function entityName(
  rng: Rng,
  ctx: Context,
  type: SyntheticEntityType,
  ind: IndustryProfile,
  county: CountyInfo,
  owner: string,
): string {
  const trade = tradeName(rng);
  switch (type) {
    case '个体工商户':
      if (ind.code.startsWith('A')) return `${county.fullName}${owner}家庭农场`;
      return rng.chance(0.15)
        ? `${county.cityName}${county.name}${owner}${rng.pick(ind.shopWords)}`
        : `${county.fullName}${trade}${rng.pick(ind.shopWords)}`;
    case '农民专业合作社':
      return `${county.fullName}${trade}${rng.pick(ind.shopWords)}专业合作社`;
    case '股份有限公司':
      return `${ctx.provinceShort}${trade}${rng.pick(ind.companyWords)}股份有限公司`;
    case '分公司':
      return `${ctx.provinceShort}${trade}${rng.pick(ind.companyWords)}有限公司${shortRegionName(county.name)}分公司`;
    default:
      return `${rng.chance(0.15) ? ctx.provinceShort : county.cityShort}${trade}${rng.pick(ind.companyWords)}有限公司`;
  }
}

function registeredCapital(rng: Rng, type: SyntheticEntityType, ind: IndustryProfile): number {
  switch (type) {
    case '分公司':
      return 0; // branches have no capital of their own
    case '个体工商户':
      return roundCapital(rng.logNormal(50000 * Math.min(ind.capitalScale, 2), 0.9));
    case '农民专业合作社':
      return roundCapital(rng.logNormal(1_000_000, 0.8));
    case '股份有限公司':
      return roundCapital(rng.logNormal(30_000_000 * ind.capitalScale, 0.9));
    default:
      return roundCapital(rng.logNormal(1_000_000 * ind.capitalScale, 1.0));
  }
}

class EntityBuilder {
  private readonly records: SyntheticRecord[] = [];
  private readonly days: number[] = [];
  private readonly ref: { uscc: string };
  private readonly risk: number[] = [];
  private readonly isIndividual: boolean;
  private readonly employer: boolean;
  private readonly reg: RegistrationData;
  private readonly activeFrom: number;
  private lastDay: number;
  private successors = 0;
  private readonly samrPenaltyDays: number[] = [];
  // registration changes as patches, applied in date order when the history is complete
  private readonly regChanges: { day: number; patch: Partial<RegistrationData> }[] = [];

  constructor(
    private readonly ctx: Context,
    private readonly rng: Rng,
    private readonly index: number,
    private readonly block: number,
    readonly uscc: string,
    private readonly county: CountyInfo,
    private readonly ind: IndustryProfile,
    private readonly type: SyntheticEntityType,
    z: number,
    drift: number,
    private readonly established: number,
    private readonly regDay: number,
    reg: RegistrationData,
  ) {
    this.ref = { uscc };
    for (let k = 0; k < ctx.years; k++)
      this.risk.push(sigmoid(z + drift * ((2 * (k + 0.5)) / ctx.years - 1)));
    this.isIndividual = type === '个体工商户';
    this.employer = !this.isIndividual;
    this.reg = reg;
    // a newly registered entity is left alone for its first month
    this.activeFrom = regDay > ctx.startDay ? regDay + 30 : regDay;
    this.lastDay = ctx.endDay;
  }

  private riskAt(day: number): number {
    const k = Math.floor((day - this.ctx.startDay) / this.ctx.segmentDays);
    return this.risk[k < 0 ? 0 : k >= this.risk.length ? this.risk.length - 1 : k];
  }

  private ok(day: number): boolean {
    return day >= this.activeFrom && day <= this.lastDay;
  }

  // A Poisson process over the active life, its rate per year re-evaluated for each year of history.
  private process(ratePerYear: (r: number) => number, emit: (day: number, r: number) => void): void {
    const { startDay, segmentDays } = this.ctx;
    for (let k = 0; k < this.risk.length; k++) {
      const from = Math.max(Math.ceil(startDay + k * segmentDays), this.activeFrom);
      const to = Math.min(Math.ceil(startDay + (k + 1) * segmentDays) - 1, this.lastDay);
      if (to < from) continue;
      const n = this.rng.poisson((ratePerYear(this.risk[k]) * (to - from + 1)) / 365.25);
      for (let j = 0; j < n; j++) emit(this.rng.int(from, to), this.risk[k]);
    }
  }

  private push(dept: DepartmentKind, day: number, record: CanonicalRecord): void {
    this.days.push(day);
    this.records.push({ source: this.ctx.sources[dept][record.kind], record });
  }

  private registration(day: number, data: RegistrationData): void {
    this.push('SAMR', day, {
      sourceRecordId: '',
      kind: 'registration',
      entity: this.ref,
      departmentCode: this.county.deptCodes.SAMR,
      occurredAt: this.ctx.fmt.format(day),
      registration: data,
    });
  }

  private changeRegistration(day: number, patch: Partial<RegistrationData>): void {
    this.regChanges.push({ day, patch });
  }

  run(): void {
    const { rng, ctx, ind } = this;
    this.registration(this.regDay, { ...this.reg });

    // exits decided up front so that nothing happens after them
    const maxRisk = Math.max(...this.risk);
    let deregDay = Infinity;
    let revokeDay = Infinity;
    if (rng.chance(this.isIndividual ? 0.09 : 0.05)) {
      const from = Math.max(this.regDay + 90, ctx.startDay);
      if (from <= ctx.endDay) deregDay = rng.int(from, ctx.endDay);
    }
    if (this.type !== '分公司' && rng.chance(clamp01((maxRisk - 0.6) * 0.7))) {
      const from = Math.max(this.regDay + 400, ctx.startDay + 180);
      if (from <= ctx.endDay) revokeDay = rng.int(from, ctx.endDay);
    }
    this.lastDay = Math.min(ctx.endDay, deregDay, revokeDay);
    if (revokeDay <= this.lastDay) this.lastDay = revokeDay - 1; // the revocation itself is pushed below

    // 双随机 random inspections by the county SAMR, sampled more often for riskier classes
    this.process(
      (r) => 0.6 * (1 + 2 * r),
      (day) => {
        const own = rng.chance(0.4);
        this.inspection(
          day,
          'SAMR',
          own ? ind.samrDomain : 'market_regulation',
          own
            ? (SAMR_MATTERS[ind.samrDomain] ?? SAMR_MATTERS.market_regulation)
            : rng.pick(RANDOM_INSPECTION_MATTERS),
          'random',
        );
      },
    );
    // targeted inspections by the departments that regulate the industry
    for (const spec of ind.regulators)
      this.process(
        (r) => spec.rate * 1.8 * (1 + 3 * r),
        (day) => this.inspection(day, spec.dept, spec.domain, spec.matter, 'targeted'),
      );
    // 12315 complaints (and labour complaints for employers)
    const complaintScale = this.isIndividual ? 0.8 : 1;
    this.process(
      (r) => ind.complaintRate * complaintScale * (1 + 8 * r),
      (day, r) => this.complaint(day, r),
    );
    // annual reports: those not filed by 30 June go on the abnormal-operations list in July
    const firstYear = Number(ctx.fmt.format(ctx.startDay).slice(0, 4));
    const lastYear = Number(ctx.fmt.format(ctx.endDay).slice(0, 4));
    for (let y = firstYear; y <= lastYear; y++) {
      const day = daysFromCivil(y, 7, 1) + rng.int(0, 20);
      if (!this.ok(day) || this.established >= daysFromCivil(y, 1, 1)) continue;
      const r = this.riskAt(day);
      if (rng.chance(0.005 + 0.4 * r ** 1.5)) {
        this.listing(day, 'SAMR', 'abnormal_operations', 'added', REASONS.annualReport);
        if (rng.chance(0.6 * (1 - 0.7 * r)))
          this.listing(
            day + 20 + Math.floor(rng.exponential(150)),
            'SAMR',
            'abnormal_operations',
            'removed',
            REASONS.annualReportRemoved,
          );
      }
    }
    // obligation defaults
    this.process(
      (r) => (0.03 + 0.5 * r * r) * (this.isIndividual ? 0.6 : 1),
      (day, r) => this.obligation(day, r, 'TAX', 'tax_arrears'),
    );
    if (this.employer)
      this.process(
        (r) => (0.02 + 0.35 * r * r) * (this.type === '农民专业合作社' ? 0.5 : 1),
        (day, r) => this.obligation(day, r, 'HRSS', 'social_insurance_arrears'),
      );
    this.process(
      (r) => (0.02 + 0.3 * r * r) * (this.isIndividual ? 0.5 : 1),
      (day, r) => this.obligation(day, r, 'COURT', 'court_judgment'),
    );
    // registration changes: the riskier change representative and address more often
    this.process(
      (r) => 0.05 + 0.3 * r,
      (day, r) => this.change(day, r),
    );

    if (deregDay <= this.lastDay) this.changeRegistration(deregDay, { status: 'deregistered' });
    else if (revokeDay <= ctx.endDay && revokeDay < deregDay) this.revoke(revokeDay);
  }

  private inspection(
    day: number,
    dept: DepartmentKind,
    domain: Domain,
    matter: string,
    trigger: InspectionTrigger,
    forced?: InspectionResult,
  ): void {
    if (!this.ok(day)) return;
    const { rng } = this;
    const r = this.riskAt(day);
    let result: InspectionResult;
    if (forced !== undefined) result = forced;
    else {
      const u = rng.float();
      let pFail: number;
      let pRectified: number;
      let pUnreachable: number;
      let pNotOperating: number;
      switch (trigger) {
        case 'random':
          pFail = 0.005 + 0.45 * r;
          pRectified = 0.06 + 0.2 * r;
          pUnreachable = 0.005 + 0.15 * r * r;
          pNotOperating = 0.01 + 0.04 * r;
          break;
        case 'complaint':
          pFail = 0.05 + 0.6 * r;
          pRectified = 0.25;
          pUnreachable = 0.01 + 0.05 * r;
          pNotOperating = 0.01;
          break;
        case 'follow_up':
          pFail = 0.05 + 0.45 * r;
          pRectified = 0.45;
          pUnreachable = 0.02 * r;
          pNotOperating = 0.01;
          break;
        default:
          pFail = 0.008 + 0.55 * r;
          pRectified = 0.1 + 0.25 * r;
          pUnreachable = 0.002 + 0.04 * r * r;
          pNotOperating = 0.005 + 0.02 * r;
      }
      result =
        u < pFail
          ? 'fail'
          : u < pFail + pRectified
            ? 'rectified'
            : u < pFail + pRectified + pUnreachable
              ? 'unreachable'
              : u < pFail + pRectified + pUnreachable + pNotOperating
                ? 'not_operating'
                : 'pass';
    }
    let findings: string[] | undefined;
    let violations: { critical: number; serious: number; minor: number } | undefined;
    if (result === 'fail') {
      violations = {
        critical: rng.chance(0.3 * r) ? 1 : 0,
        serious: rng.int(0, r > 0.5 ? 3 : 1),
        minor: rng.int(1, 4),
      };
      if (violations.critical + violations.serious === 0) violations.serious = 1;
      findings = [rng.pick(FINDINGS[domain])];
      if (rng.chance(0.4)) {
        const another = rng.pick(FINDINGS[domain]);
        if (another !== findings[0]) findings.push(another);
      }
    } else if (result === 'rectified') {
      violations = { critical: 0, serious: 0, minor: rng.int(1, 3) };
      findings = [rng.pick(FINDINGS[domain])];
    } else if (result === 'unreachable') findings = [REASONS.unreachableFinding];
    else if (result === 'not_operating') findings = [REASONS.notOperatingFinding];
    this.push(dept, day, {
      sourceRecordId: '',
      kind: 'inspection',
      entity: this.ref,
      departmentCode: this.county.deptCodes[dept],
      occurredAt: this.ctx.fmt.format(day),
      inspection:
        findings === undefined
          ? { result, matter, trigger }
          : violations === undefined
            ? { result, matter, findings, trigger }
            : { result, matter, findings, violations, trigger },
    });
    if (forced !== undefined) return;

    if (result === 'fail') {
      if (rng.chance(0.35 + 0.5 * r))
        this.penalty(day + rng.int(10, 120), dept, domain, (violations?.critical ?? 0) * 0.3);
      if (trigger !== 'follow_up' && rng.chance(0.7))
        this.inspection(day + rng.int(20, 90), dept, domain, `${matter}（复查）`, 'follow_up');
    } else if (result === 'rectified') {
      if (rng.chance(0.02 + 0.2 * r)) this.penalty(day + rng.int(10, 60), dept, domain, -0.5);
    } else if (result === 'unreachable' && dept === 'SAMR') this.unreachable(day, r);
  }

  private unreachable(day: number, r: number): void {
    const { rng } = this;
    const added = day + rng.int(7, 45);
    if (!this.ok(added)) return;
    this.listing(added, 'SAMR', 'abnormal_operations', 'added', REASONS.unreachable);
    if (rng.chance(0.45 * (1 - r))) {
      const removed = added + 30 + Math.floor(rng.exponential(150));
      if (!this.ok(removed)) return;
      // getting off the list for this reason means registering a reachable address
      this.changeRegistration(removed - rng.int(1, 10), {
        address: streetAddress(rng, this.ctx, this.county),
      });
      this.listing(removed, 'SAMR', 'abnormal_operations', 'removed', REASONS.unreachableRemoved);
    }
  }

  private penalty(day: number, dept: DepartmentKind, domain: Domain, severity: number): void {
    if (!this.ok(day)) return;
    const { rng, ctx } = this;
    const r = this.riskAt(day);
    const types: PenaltyType[] = [];
    let fineAmount: number | undefined;
    if (rng.chance(0.22 - 0.12 * r - 0.2 * severity)) types.push('warning');
    else {
      types.push('fine');
      const scale = this.isIndividual ? 0.3 : this.type === '股份有限公司' ? 3 : 1;
      fineAmount = roundFine(rng.logNormal(FINE_MEDIAN[domain] * scale * (1 + 1.5 * r + severity), 0.9));
      if (rng.chance(0.2)) types.push('confiscation');
      if (rng.chance(0.06)) types.push('warning');
    }
    let heavy = false;
    if (r > 0.55 && rng.chance((r - 0.55) * 0.6 + Math.max(0, severity))) {
      heavy = true;
      types.push(
        LICENSED.has(domain)
          ? rng.pick<PenaltyType>(['license_suspension', 'license_revocation', 'business_suspension'])
          : rng.pick<PenaltyType>(['business_suspension', 'business_restriction']),
      );
    } else if (rng.chance(0.02)) types.push('notice_of_criticism');
    const occurredAt = ctx.fmt.format(day);
    this.push(dept, day, {
      sourceRecordId: '',
      kind: 'penalty',
      entity: this.ref,
      departmentCode: this.county.deptCodes[dept],
      occurredAt: this.ctx.fmt.format(day),
      penalty: {
        decisionNo: `${this.county.regionAbbr[dept]}${DECISION_ABBREVIATIONS[dept]}罚〔${occurredAt.slice(0, 4)}〕${rng.int(1, 2999)}号`,
        penaltyTypes: types,
        ...(fineAmount === undefined ? {} : { fineAmount }),
        legalBasis: rng.pick(LEGAL_BASES[domain]),
        violationType: domain,
      },
    });
    if (dept !== 'SAMR' && dept !== 'MPA') return;
    // 严重违法失信名单: heavy penalties, and repeat offenders within a year
    const repeat = this.samrPenaltyDays.some((d) => day - d <= 365);
    this.samrPenaltyDays.push(day);
    if ((heavy || (fineAmount ?? 0) >= 100_000) && rng.chance(0.5))
      this.serious(day + rng.int(20, 90), REASONS.serious, r);
    else if (repeat && rng.chance(0.25)) this.serious(day + rng.int(20, 90), REASONS.seriousRepeat, r);
  }

  private serious(day: number, reason: string, r: number): void {
    if (!this.ok(day)) return;
    this.listing(day, 'SAMR', 'serious_violation', 'added', reason);
    if (this.rng.chance(0.2 * (1 - r)))
      this.listing(
        day + 365 + this.rng.int(0, 180),
        'SAMR',
        'serious_violation',
        'removed',
        REASONS.seriousRemoved,
      );
  }

  private listing(
    day: number,
    dept: DepartmentKind,
    list: ListName,
    action: 'added' | 'removed',
    reason: string,
  ): void {
    if (!this.ok(day)) return;
    this.push(dept, day, {
      sourceRecordId: '',
      kind: 'listing',
      entity: this.ref,
      departmentCode: this.county.deptCodes[dept],
      occurredAt: this.ctx.fmt.format(day),
      listing: { list, action, reason },
    });
  }

  private complaint(day: number, r: number): void {
    const { rng, ind } = this;
    const labour = this.employer && rng.chance(0.08);
    const dept: DepartmentKind = labour ? 'HRSS' : 'SAMR';
    const verified = rng.chance(0.15 + 0.6 * r);
    this.push(dept, day, {
      sourceRecordId: '',
      kind: 'complaint',
      entity: this.ref,
      departmentCode: this.county.deptCodes[dept],
      occurredAt: this.ctx.fmt.format(day),
      complaint: { category: labour ? LABOUR_COMPLAINT : rng.pick(ind.complaints), verified },
    });
    if (!verified) return;
    if (rng.chance(0.5)) {
      const domain: Domain = labour ? 'labour' : ind.samrDomain;
      this.inspection(
        day + rng.int(3, 30),
        dept,
        domain,
        labour ? '劳动保障投诉核查' : '投诉举报核查',
        'complaint',
      );
    } else if (rng.chance(0.1))
      this.penalty(day + rng.int(15, 90), dept, labour ? 'labour' : ind.samrDomain, 0);
  }

  private obligation(day: number, r: number, dept: DepartmentKind, type: ObligationType): void {
    const { rng } = this;
    const scale = Math.min(5, Math.max(0.3, ((this.reg.registeredCapital ?? 0) / 1e6) ** 0.3));
    const median = type === 'court_judgment' ? 150_000 : type === 'tax_arrears' ? 20_000 : 40_000;
    const amount = Math.round(rng.logNormal(median * scale, 1.0) * 100) / 100;
    this.push(dept, day, {
      sourceRecordId: '',
      kind: 'obligation_default',
      entity: this.ref,
      departmentCode: this.county.deptCodes[dept],
      occurredAt: this.ctx.fmt.format(day),
      obligation_default: { type, amount },
    });
    if (type === 'tax_arrears') {
      if (rng.chance(0.2 + 0.3 * r)) this.penalty(day + rng.int(30, 180), 'TAX', 'tax', 0);
      if (rng.chance(0.05 + 0.4 * r * r)) {
        const added = day + rng.int(60, 300);
        this.listing(added, 'TAX', 'tax_violation', 'added', REASONS.taxViolation);
        if (rng.chance(0.35 * (1 - r)))
          this.listing(
            added + 60 + Math.floor(rng.exponential(200)),
            'TAX',
            'tax_violation',
            'removed',
            REASONS.taxViolationRemoved,
          );
      }
    } else if (type === 'social_insurance_arrears') {
      if (rng.chance(0.1 + 0.2 * r)) this.penalty(day + rng.int(30, 120), 'HRSS', 'labour', 0);
    } else if (rng.chance(0.15 + 0.6 * r)) {
      const added = day + rng.int(45, 240);
      this.listing(added, 'COURT', 'court_defaulter', 'added', REASONS.courtDefaulter);
      if (rng.chance(0.5 * (1 - r)))
        this.listing(
          added + 30 + Math.floor(rng.exponential(180)),
          'COURT',
          'court_defaulter',
          'removed',
          REASONS.courtDefaulterRemoved,
        );
    }
  }

  private change(day: number, r: number): void {
    const { rng, ctx, reg } = this;
    let patch: Partial<RegistrationData>;
    const u = rng.float() * (1 + 0.35 * r);
    if (u < 0.25 + 0.35 * r) {
      // nominee hand-overs: risky entities pass to people who already run others
      const person =
        rng.chance(0.2 + 0.5 * r) || this.successors >= 2
          ? pooledPerson(ctx, this.block, skewedSlot(rng, POOLED_PEOPLE_PER_BLOCK))
          : makePerson(ctx, 3 * (2 * this.index + this.successors++) + 2, false);
      patch = { legalRepresentative: { name: person.name, idNumber: person.idNumber } };
    } else if (u < 0.6 + 0.35 * r || this.type === '分公司') {
      patch = { address: streetAddress(rng, ctx, this.county) };
    } else if (u < 0.85 + 0.35 * r) {
      const capital = reg.registeredCapital ?? 0;
      patch = {
        registeredCapital: roundCapital(
          capital * (rng.chance(0.7) ? rng.float() * 4 + 1.2 : rng.float() * 0.6 + 0.2),
        ),
      };
    } else {
      patch = {
        name: entityName(rng, ctx, this.type, this.ind, this.county, reg.legalRepresentative?.name ?? ''),
      };
    }
    this.changeRegistration(day, patch);
  }

  private revoke(day: number): void {
    const { rng } = this;
    const before = day - rng.int(90, 240);
    this.lastDay = day;
    if (this.ok(before)) {
      const result: InspectionResult = rng.chance(0.5) ? 'not_operating' : 'unreachable';
      this.inspection(
        before,
        'SAMR',
        'market_regulation',
        rng.pick(RANDOM_INSPECTION_MATTERS),
        'random',
        result,
      );
      if (result === 'unreachable')
        this.listing(before + rng.int(7, 45), 'SAMR', 'abnormal_operations', 'added', REASONS.unreachable);
    }
    this.push('SAMR', day, {
      sourceRecordId: '',
      kind: 'penalty',
      entity: this.ref,
      departmentCode: this.county.deptCodes.SAMR,
      occurredAt: this.ctx.fmt.format(day),
      penalty: {
        decisionNo: `${this.county.regionAbbr.SAMR}${DECISION_ABBREVIATIONS.SAMR}罚〔${this.ctx.fmt.format(day).slice(0, 4)}〕${rng.int(1, 2999)}号`,
        penaltyTypes: ['license_revocation'],
        legalBasis:
          this.type === '有限责任公司' || this.type === '股份有限公司'
            ? '《公司法》第二百六十条'
            : '《市场主体登记管理条例》第四十六条',
        violationType: 'market_regulation',
      },
    });
    this.changeRegistration(day, { status: 'revoked' satisfies EntityStatus });
  }

  // Sorts the history (stable: the opening registration stays first) and numbers it per kind.
  finish(): SyntheticRecord[] {
    let current = this.reg;
    this.regChanges.sort((a, b) => a.day - b.day);
    for (const { day, patch } of this.regChanges) {
      current = { ...current, ...patch };
      this.registration(day, current);
    }
    // sort keys day·2^16 + push order: a numeric typed-array sort, stable by construction
    const n = this.records.length;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.days[i] * 65536 + i;
    keys.sort();
    const out: SyntheticRecord[] = new Array<SyntheticRecord>(n);
    for (let j = 0; j < n; j++) out[j] = this.records[keys[j] % 65536];
    const counters = new Map<RecordKind, number>();
    for (const { record } of out) {
      const n = (counters.get(record.kind) ?? 0) + 1;
      counters.set(record.kind, n);
      record.sourceRecordId = `${RECORD_KIND_SPECS[record.kind].idPrefix}-${this.uscc}-${n}`;
    }
    return out;
  }
}

function makeEntityUscc(
  ctx: Context,
  index: number,
  type: SyntheticEntityType,
  county: CountyInfo,
  established: number,
): string {
  const category = type === '个体工商户' ? '2' : type === '农民专业合作社' ? '3' : '1';
  let orgBody: string;
  if (established >= USCC_REFORM || category !== '1') {
    orgBody = `MA${base31(scramble(index, 31, 6, ctx.usccMa[0], ctx.usccMa[1]), 6)}`;
  } else {
    // companies from before the reform keep their old 8-digit organisation code
    orgBody = String(scramble(index, 10, 8, ctx.usccOld[0], ctx.usccOld[1])).padStart(8, '0');
  }
  return makeUscc({ authority: '9', category, regionCode: county.code, orgBody });
}

function buildEntity(ctx: Context, index: number): SyntheticEntity {
  const rng = forkRng(ctx.seed, 'entity', index);
  const ind = ctx.industries.sample(rng);
  const type = pickEntityType(rng, ind);
  const isIndividual = type === '个体工商户';
  const block = Math.floor(index / BLOCK);

  const pooled = rng.chance(isIndividual ? 0.08 : 0.25);
  const person = pooled
    ? pooledPerson(ctx, block, skewedSlot(rng, POOLED_PEOPLE_PER_BLOCK))
    : makePerson(ctx, 3 * index, false);
  const shared = rng.chance(isIndividual ? 0.02 : 0.08)
    ? sharedAddress(ctx, block, skewedSlot(rng, SHARED_ADDRESSES_PER_BLOCK))
    : undefined;
  const county = shared?.county ?? (pooled && rng.chance(0.65) ? person.county : ctx.counties.sample(rng));

  // age: most entities are young, a long tail back to 1995
  let established = ctx.endDay - Math.floor(rng.exponential(7) * 365.25);
  if (established < EARLIEST_ESTABLISHED) established = EARLIEST_ESTABLISHED + rng.int(0, 5 * 365);
  const regDay = Math.max(established, ctx.startDay);

  const typeEffect = isIndividual ? -0.2 : type === '股份有限公司' ? -0.5 : type === '分公司' ? -0.2 : 0;
  const ageEffect = ctx.endDay - established < 2 * 365 ? 0.3 : 0;
  const z =
    RISK_INTERCEPT +
    ind.baseRisk +
    person.effect +
    (shared?.effect ?? 0) +
    typeEffect +
    ageEffect +
    rng.normal(0, 1.1);
  const drift = rng.normal(0, 0.4);

  const uscc = makeEntityUscc(ctx, index, type, county, established);
  const rural = ind.code[0] === 'A' || ind.code[0] === 'B';
  const reg: RegistrationData = {
    name: entityName(rng, ctx, type, ind, county, person.name),
    entityType: type,
    regionCode: county.code,
    industryCode: ind.code,
    establishedOn: ctx.fmt.format(established),
    registeredCapital: registeredCapital(rng, type, ind),
    legalRepresentative: { name: person.name, idNumber: person.idNumber },
    address: shared?.text ?? (rural ? ruralAddress(rng, ctx, county) : streetAddress(rng, ctx, county)),
    status: 'active',
  };
  const builder = new EntityBuilder(
    ctx,
    rng,
    index,
    block,
    uscc,
    county,
    ind,
    type,
    z,
    drift,
    established,
    regDay,
    reg,
  );
  builder.run();
  return { index, uscc, latentRisk: sigmoid(z), records: builder.finish() };
}

export function generateSyntheticProvince(opts: SyntheticProvinceOptions): SyntheticProvince {
  if (!Number.isInteger(opts.entities) || opts.entities < 0)
    throw new RangeError(
      `generateSyntheticProvince: entities must be a non-negative integer, got ${opts.entities}`,
    );
  if (!Number.isFinite(opts.seed)) throw new RangeError(`generateSyntheticProvince: seed must be a number`);
  const departments = generateDepartments(opts.provinceCode ?? '330000');
  const ctx = buildContext(opts, departments);
  const total = opts.entities;
  return {
    departments,
    start: formatDay(ctx.startDay),
    end: formatDay(ctx.endDay),
    *entities(from = 0, to = total) {
      for (let i = from; i < to; i++) yield buildEntity(ctx, i);
    },
    entity: (index: number) => buildEntity(ctx, index),
  };
}
