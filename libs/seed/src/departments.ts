import type { Domain } from '@lianjian/domain';
import { citiesOf, countiesOf, regionName } from '@lianjian/reference';

// The regulators of one province, at province, city and county level, as the synthetic data names
// them. Codes are `${regionCode}-${kind}`, e.g. '330106-SAMR', '330100-COURT', '330000-MPA'.

export type DepartmentLevel = 'province' | 'city' | 'county';

export interface DepartmentSeed {
  code: string;
  name: string; // zh
  nameEn: string;
  domains: Domain[];
  regionCode: string;
  level: DepartmentLevel;
}

export const DEPARTMENT_KINDS = [
  'SAMR',
  'MPA',
  'TAX',
  'EEB',
  'EMA',
  'HRSS',
  'HEALTH',
  'EDU',
  'COURT',
  'HIGHCOURT',
  'TRANS',
  'HOUSING',
  'CULT',
  'DRC',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

const SAMR_DOMAINS: Domain[] = [
  'market_regulation',
  'food_safety',
  'drugs',
  'medical_devices',
  'cosmetics',
  'special_equipment',
  'product_quality',
];
const MPA_DOMAINS: Domain[] = ['drugs', 'medical_devices', 'cosmetics'];

interface KindSpec {
  domains: Domain[];
  en: string;
  // zh name from the region's names; undefined where the kind has no department at that level
  county?: (r: RegionNames) => string;
  city?: (r: RegionNames) => string;
  province?: (r: RegionNames) => string;
}

interface RegionNames {
  province: string;
  city: string; // '杭州市'
  county: string; // '西湖区'
  countyFull: string; // '杭州市西湖区' for a district, '桐庐县' otherwise
  countyShort: string; // '西湖'
}

const KIND_SPECS: Record<DepartmentKind, KindSpec> = {
  SAMR: {
    domains: SAMR_DOMAINS,
    en: 'Market Supervision Administration',
    county: (r) => `${r.countyFull}市场监督管理局`,
    city: (r) => `${r.city}市场监督管理局`,
    province: (r) => `${r.province}市场监督管理局`,
  },
  MPA: {
    domains: MPA_DOMAINS,
    en: 'Medical Products Administration',
    province: (r) => `${r.province}药品监督管理局`,
  },
  TAX: {
    domains: ['tax'],
    en: 'Tax Bureau',
    county: (r) => `国家税务总局${r.countyFull}税务局`,
    city: (r) => `国家税务总局${r.city}税务局`,
    province: (r) => `国家税务总局${r.province}税务局`,
  },
  EEB: {
    domains: ['environment'],
    en: 'Ecology and Environment Bureau',
    county: (r) => `${r.city}生态环境局${r.countyShort}分局`,
    city: (r) => `${r.city}生态环境局`,
    province: (r) => `${r.province}生态环境厅`,
  },
  EMA: {
    domains: ['work_safety'],
    en: 'Emergency Management Bureau',
    county: (r) => `${r.countyFull}应急管理局`,
    city: (r) => `${r.city}应急管理局`,
    province: (r) => `${r.province}应急管理厅`,
  },
  HRSS: {
    domains: ['labour'],
    en: 'Human Resources and Social Security Bureau',
    county: (r) => `${r.countyFull}人力资源和社会保障局`,
    city: (r) => `${r.city}人力资源和社会保障局`,
    province: (r) => `${r.province}人力资源和社会保障厅`,
  },
  HEALTH: {
    domains: ['public_health'],
    en: 'Health Commission',
    county: (r) => `${r.countyFull}卫生健康局`,
    city: (r) => `${r.city}卫生健康委员会`,
    province: (r) => `${r.province}卫生健康委员会`,
  },
  EDU: {
    domains: ['education'],
    en: 'Education Bureau',
    county: (r) => `${r.countyFull}教育局`,
    city: (r) => `${r.city}教育局`,
    province: (r) => `${r.province}教育厅`,
  },
  COURT: {
    domains: ['court_enforcement'],
    en: "Intermediate People's Court",
    city: (r) => `${r.city}中级人民法院`,
  },
  HIGHCOURT: {
    domains: ['court_enforcement'],
    en: "High People's Court",
    province: (r) => `${r.province}高级人民法院`,
  },
  TRANS: {
    domains: ['transport'],
    en: 'Transport Bureau',
    city: (r) => `${r.city}交通运输局`,
    province: (r) => `${r.province}交通运输厅`,
  },
  HOUSING: {
    domains: ['construction'],
    en: 'Housing and Urban-Rural Development Bureau',
    city: (r) => `${r.city}住房和城乡建设局`,
    province: (r) => `${r.province}住房和城乡建设厅`,
  },
  CULT: {
    domains: ['culture_tourism'],
    en: 'Culture, Radio, Television and Tourism Bureau',
    city: (r) => `${r.city}文化广电旅游局`,
    province: (r) => `${r.province}文化和旅游厅`,
  },
  // 发展和改革委员会（社会信用体系建设牵头部门，信用办）: coordinates joint enforcement and receives
  // escalations of alerts that nobody acknowledged in time.
  DRC: {
    domains: ['credit_coordination'],
    en: 'Development and Reform Commission (social credit office)',
    city: (r) => `${r.city}发展和改革委员会`,
    province: (r) => `${r.province}发展和改革委员会`,
  },
};

// Province SAMR leaves drugs, devices and cosmetics to the province MPA, as in the real split.
const PROVINCE_DOMAINS: Partial<Record<DepartmentKind, Domain[]>> = {
  SAMR: SAMR_DOMAINS.filter((d) => !MPA_DOMAINS.includes(d)),
};

export function departmentCode(regionCode: string, kind: DepartmentKind): string {
  return `${regionCode}-${kind}`;
}

// '西湖区' → '西湖', '浙江省' → '浙江'; a one-character name keeps its suffix ('城区').
export function shortRegionName(name: string): string {
  const stripped = name.replace(
    /(壮族自治区|回族自治区|维吾尔自治区|自治区|自治州|自治县|地区|新区|省|区|县|市|旗)$/,
    '',
  );
  return stripped.length >= 2 ? stripped : name;
}

// Statistical groupings of the region data (municipal 市辖区, 省直辖县级行政区划, …) are not
// governments: their city-level departments are named after the province.
const GROUPING_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

export function cityDisplayName(cityName: string, provinceName: string): string {
  return GROUPING_NAMES.has(cityName) ? provinceName : cityName;
}

export function countyFullName(cityName: string, countyName: string): string {
  // districts are named with their city (杭州市西湖区); counties and county-level cities alone
  return countyName.endsWith('区') ? `${cityName}${countyName}` : countyName;
}

export function generateDepartments(provinceCode = '330000'): DepartmentSeed[] {
  const provinceName = regionName(provinceCode);
  const cities = citiesOf(provinceCode);
  if (provinceName === undefined || cities.length === 0)
    throw new RangeError(`generateDepartments: ${JSON.stringify(provinceCode)} is not a known province code`);
  const out: DepartmentSeed[] = [];
  const seen = new Set<string>();
  const add = (
    kind: DepartmentKind,
    level: DepartmentLevel,
    regionCode: string,
    names: RegionNames,
  ): void => {
    const spec = KIND_SPECS[kind];
    const nameOf = spec[level];
    const code = departmentCode(regionCode, kind);
    if (nameOf === undefined || seen.has(code)) return;
    seen.add(code);
    const domains = (level === 'province' ? PROVINCE_DOMAINS[kind] : undefined) ?? spec.domains;
    out.push({
      code,
      name: nameOf(names),
      nameEn: `${spec.en} of ${regionCode}`,
      domains: [...domains],
      regionCode,
      level,
    });
  };
  const provinceNames: RegionNames = {
    province: provinceName,
    city: provinceName,
    county: provinceName,
    countyFull: provinceName,
    countyShort: shortRegionName(provinceName),
  };
  for (const kind of DEPARTMENT_KINDS) add(kind, 'province', provinceCode, provinceNames);
  for (const city of cities) {
    const cityName = cityDisplayName(city.name, provinceName);
    const cityNames: RegionNames = {
      ...provinceNames,
      city: cityName,
      county: cityName,
      countyFull: cityName,
    };
    for (const kind of DEPARTMENT_KINDS) add(kind, 'city', city.code, cityNames);
    for (const county of countiesOf(city.code)) {
      // a city without counties (东莞 441900) lists itself: its city departments already cover it
      if (county.code === city.code) continue;
      const names: RegionNames = {
        ...cityNames,
        county: county.name,
        countyFull: countyFullName(cityName, county.name),
        countyShort: shortRegionName(county.name),
      };
      for (const kind of DEPARTMENT_KINDS) add(kind, 'county', county.code, names);
    }
  }
  return out;
}
