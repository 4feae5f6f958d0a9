import { DOMAINS, SEVERITIES } from '@lianjian/domain';
import type { Domain, Severity } from '@lianjian/domain';
import { industryName, regionAncestors, regionLevel, regionName } from '@lianjian/reference';
import type { LocalizedText } from '@lianjian/reference';
import { DOMAIN_LABELS } from '../vocabulary-labels';
import { JURISDICTION_LEVELS } from './routing-matrix.schema';
import type {
  ActingDomains,
  FindingRoute,
  IndustryDomains,
  JurisdictionLevel,
  RoutingMatrix,
} from './routing-matrix.schema';

// "Discovered in one place, acted on jointly": which departments receive a finding. A department
// receives it when it sits in the entity's jurisdiction chain (county, city, province) at a level the
// finding's matrix row lists, and covers one of the domains that act on the finding.

export interface RoutingDepartment {
  code: string;
  name: string;
  domains: readonly string[];
  regionCode: string;
}

export interface RouteFindingInput {
  finding: { type: string; severity: Severity };
  entity: { regionCode: string | null; industryCode: string | null };
  departments: readonly RoutingDepartment[];
  matrix: RoutingMatrix;
}

export interface RoutedDelivery {
  departmentCode: string;
  level: JurisdictionLevel; // the department's own level
  domains: string[]; // the acting domains this department covers
  reason: LocalizedText;
}

const LEVEL_RANK: Readonly<Record<JurisdictionLevel, number>> = { county: 0, city: 1, province: 2 };
const LEVEL_TEXT: Readonly<Record<JurisdictionLevel, LocalizedText>> = {
  county: { zh: '县级', en: 'county' },
  city: { zh: '市级', en: 'city' },
  province: { zh: '省级', en: 'province' },
};
const SIX_DIGITS = /^\d{6}$/;

interface JurisdictionLink {
  code: string;
  level: JurisdictionLevel;
  serves: JurisdictionLevel[]; // the routing levels this link answers for
}

function levelOf(code: string): JurisdictionLevel {
  const known = regionLevel(code);
  if (known) return known;
  // Unknown to the data (e.g. an abolished county): judge by the code's digits.
  if (code.endsWith('0000')) return 'province';
  return code.endsWith('00') ? 'city' : 'county';
}

// The entity's region and its ancestors, nearest first. Each routing level is answered by the nearest
// link at or above it: a municipality's district (110105) has no city level, so the municipality
// (110000) acts for it; an entity registered at a city without counties (东莞 441900) is served at
// county level by that city's departments.
export function jurisdictionChain(regionCode: string): JurisdictionLink[] {
  if (!SIX_DIGITS.test(regionCode)) return [];
  const links: JurisdictionLink[] = [regionCode, ...regionAncestors(regionCode)].map((code) => ({
    code,
    level: levelOf(code),
    serves: [],
  }));
  links.sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]);
  for (const level of JURISDICTION_LEVELS) {
    const link = links.find((l) => LEVEL_RANK[l.level] >= LEVEL_RANK[level]);
    link?.serves.push(level);
  }
  return links;
}

// Longest-prefix match of a GB/T 4754 code ('H6210' → the 'H62' row).
export function industryDomainsFor(
  industryCode: string | null,
  matrix: RoutingMatrix,
): IndustryDomains | undefined {
  const code = industryCode?.trim().toUpperCase();
  if (!code) return undefined;
  let best: IndustryDomains | undefined;
  for (const row of matrix.industryDomains)
    if (code.startsWith(row.industry) && (!best || row.industry.length > best.industry.length)) best = row;
  return best;
}

function escalatedLevels(
  escalation: readonly { minSeverity: Severity; addLevels: JurisdictionLevel[] }[] | undefined,
  severity: Severity,
): JurisdictionLevel[] {
  const rank = SEVERITIES.indexOf(severity);
  return (escalation ?? [])
    .filter((e) => rank >= SEVERITIES.indexOf(e.minSeverity))
    .flatMap((e) => e.addLevels);
}

const domainsText = (domains: readonly Domain[]): LocalizedText => ({
  zh: domains.map((d) => DOMAIN_LABELS[d].zh).join('、'),
  en: domains.map((d) => DOMAIN_LABELS[d].en).join(', '),
});

function memorandaFor(row: FindingRoute | undefined, covered: readonly Domain[], matrix: RoutingMatrix) {
  if (!row) return matrix.defaults.memorandum ? [matrix.defaults.memorandum] : [];
  const specific: LocalizedText[] = [];
  let general = false;
  for (const domain of covered) {
    const dm = row.domainMemoranda?.find((m) => (m.domains as readonly string[]).includes(domain));
    if (dm) specific.push(dm.memorandum);
    else general = true;
  }
  const all = general ? [...specific, row.memorandum] : specific;
  return all.filter((m, i) => all.findIndex((o) => o.zh === m.zh) === i);
}

interface ReasonInput {
  department: RoutingDepartment;
  link: JurisdictionLink;
  matchedLevels: JurisdictionLevel[];
  viaIndustryLevel: boolean;
  entity: RouteFindingInput['entity'] & { regionCode: string };
  findingType: string;
  covered: readonly Domain[];
  industryDomains: readonly Domain[];
  memoranda: readonly LocalizedText[];
}

function buildReason(r: ReasonInput): LocalizedText {
  const zh: string[] = [];
  const en: string[] = [];
  const entityPlace = regionName(r.entity.regionCode);
  const deptPlace = regionName(r.department.regionCode);
  const placeZh = entityPlace ?? r.entity.regionCode;
  const placeEn = entityPlace ? `${r.entity.regionCode} ${entityPlace}` : r.entity.regionCode;

  if (r.department.regionCode === r.entity.regionCode) {
    zh.push(`实体所在地（${placeZh}）属本部门辖区`);
    en.push(`the entity's location (${placeEn}) is within this department's jurisdiction`);
  } else {
    const dz = deptPlace ?? r.department.regionCode;
    const de = deptPlace ? `${r.department.regionCode} ${deptPlace}` : r.department.regionCode;
    zh.push(`实体所在地（${placeZh}）在本部门辖区（${dz}）内`);
    en.push(`the entity's location (${placeEn}) is within this department's jurisdiction (${de})`);
  }
  const standIn = r.matchedLevels.filter((l) => l !== r.link.level);
  if (standIn.length && !r.matchedLevels.includes(r.link.level)) {
    zh.push(`当地无${standIn.map((l) => LEVEL_TEXT[l].zh).join('、')}建制，由本部门承担相应联动`);
    en.push(
      `there is no ${standIn.map((l) => LEVEL_TEXT[l].en).join(' or ')} level here, so this department acts for it`,
    );
  }

  const fromIndustry = r.covered.filter((d) => r.industryDomains.includes(d));
  const fromFixed = r.covered.filter((d) => !r.industryDomains.includes(d));
  if (fromIndustry.length) {
    const code = r.entity.industryCode?.trim().toUpperCase() ?? '';
    const name = industryName(code);
    const t = domainsText(fromIndustry);
    zh.push(`所属行业（${name ? `${code} ${name.zh}` : code}）属本部门${t.zh}监管领域`);
    en.push(
      `its industry (${name ? `${code} ${name.en}` : code}) falls under this department's ${t.en} remit`,
    );
    if (r.viaIndustryLevel) {
      zh.push(`该行业的${t.zh}监管由${LEVEL_TEXT[r.link.level].zh}部门负责`);
      en.push(`${t.en} supervision of this industry sits at ${LEVEL_TEXT[r.link.level].en} level`);
    }
  }
  if (fromFixed.length) {
    const t = domainsText(fromFixed);
    zh.push(`本类发现（${r.findingType}）须由${t.zh}部门联动处置`);
    en.push(`this finding (${r.findingType}) calls for action by the ${t.en} authority`);
  }
  if (r.memoranda.length) {
    zh.push(`依据${r.memoranda.map((m) => m.zh).join('、')}`);
    en.push(`per the ${r.memoranda.map((m) => m.en).join(' and the ')}`);
  } else {
    zh.push(`依据默认联动规则（联动矩阵未列明本类发现）`);
    en.push(`per the default routing (the routing matrix has no row for this finding)`);
  }
  const enText = en.join('; ');
  return {
    zh: `${r.department.name}：${zh.join('；')}`,
    en: `${r.department.name} (${r.department.code}): ${enText}`,
  };
}

// One delivery per department, ordered by level then department code. An entity without a (valid)
// region code gets none: the caller reports it as unroutable.
export function routeFinding(input: RouteFindingInput): RoutedDelivery[] {
  const { finding, entity, departments, matrix } = input;
  if (!entity.regionCode) return [];
  const chain = jurisdictionChain(entity.regionCode);
  if (chain.length === 0) return [];

  const row = matrix.findings.find((r) => r.finding === finding.type);
  const acting: ActingDomains = row ? row.actingDomains : matrix.defaults.actingDomains;
  const levels = new Set<JurisdictionLevel>([
    ...(row ? row.levels : matrix.defaults.levels),
    ...escalatedLevels(row ? row.escalation : matrix.defaults.escalation, finding.severity),
  ]);
  const industry = acting.industry ? industryDomainsFor(entity.industryCode, matrix) : undefined;
  const industryDomains: readonly Domain[] = industry?.domains ?? [];
  const industryLevels: readonly JurisdictionLevel[] = industry?.extraLevels ?? [];
  const actingDomains = new Set<Domain>([...industryDomains, ...acting.fixed]);

  const seen = new Set<string>();
  const deliveries: RoutedDelivery[] = [];
  for (const department of departments) {
    if (seen.has(department.code)) continue;
    seen.add(department.code);
    const link = chain.find((l) => l.code === department.regionCode);
    if (!link) continue;
    const matchedLevels = link.serves.filter((l) => levels.has(l));
    let covered: Domain[];
    let viaIndustryLevel = false;
    if (matchedLevels.length) {
      covered = DOMAINS.filter((d) => actingDomains.has(d) && department.domains.includes(d));
    } else if (link.serves.some((l) => industryLevels.includes(l))) {
      viaIndustryLevel = true;
      covered = DOMAINS.filter((d) => industryDomains.includes(d) && department.domains.includes(d));
    } else continue;
    if (covered.length === 0) continue;
    deliveries.push({
      departmentCode: department.code,
      level: link.level,
      domains: covered,
      reason: buildReason({
        department,
        link,
        matchedLevels,
        viaIndustryLevel,
        entity: { ...entity, regionCode: entity.regionCode },
        findingType: finding.type,
        covered,
        industryDomains,
        memoranda: memorandaFor(row, covered, matrix),
      }),
    });
  }
  return deliveries.sort(
    (a, b) =>
      LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
      (a.departmentCode < b.departmentCode ? -1 : a.departmentCode > b.departmentCode ? 1 : 0),
  );
}

// Finding types a rule set raises that the matrix has no row for (they would route by the defaults).
// Entity findings the matrix does not route (feed findings go to the feed's own department instead).
export function findingsWithoutRoute(
  rules: readonly { finding: { type: string }; trigger?: { type: string } }[],
  matrix: RoutingMatrix,
): string[] {
  const routed = new Set(matrix.findings.map((r) => r.finding));
  return [...new Set(rules.filter((r) => r.trigger?.type !== 'feed_health').map((r) => r.finding.type))]
    .filter((t) => !routed.has(t))
    .sort();
}
