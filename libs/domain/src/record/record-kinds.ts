import type { LocalizedText } from '@lianjian/reference';
import {
  ENTITY_STATUS,
  INSPECTION_RESULT,
  INSPECTION_TRIGGER,
  LICENSED_ACTIVITY,
  PREMISES_RISK,
  LIST_NAME,
  LISTING_ACTION,
  OBLIGATION_TYPE,
  PENALTY_TYPE,
  type Vocabulary,
} from './vocabulary';

// The record kinds, each described once: its fields (type, required or not, vocabulary, zh/en label)
// and the names other parts use for it. Everything kind-specific elsewhere is derived from here: the
// record types (canonical-record.ts), validation (record-validation.ts), the field rules of source
// profiles (ingestion KIND_FIELDS), the rule field catalogue (rules), the seed's source names and the
// test record builders. A new kind is a new entry here (plus the record table's CHECK constraint).

interface FieldBase {
  label: LocalizedText;
  required?: boolean;
}
export type KindFieldSpec = FieldBase &
  (
    | { type: 'text'; max: number } // non-empty once trimmed, at most `max` characters
    | { type: 'texts'; max: number; itemMax: number; maxItems: number } // one text or a list of texts
    | { type: 'enum'; vocabulary: Vocabulary }
    | { type: 'enumList'; vocabulary: Vocabulary } // at least one value, none twice
    | { type: 'count' } // a whole number 0..100000
    | { type: 'amount' } // CNY, 0..1e15
    | { type: 'boolean' }
    | { type: 'date' } // YYYY-MM-DD or ISO date-time, 1949-10-01 .. today
    | { type: 'regionCode' } // GB/T 2260, a known code
    | { type: 'industryCode' } // GB/T 4754-2017
    | { type: 'group'; fields: Readonly<Record<string, KindFieldSpec>> } // a nested object
  ) & {
    // Required when another field of the kind (a list) holds a value: fineAmount when penaltyTypes has fine.
    requiredWhen?: { field: string; includes: string };
  };

export interface KindSpec {
  label: LocalizedText; // one record: 行政处罚 / administrative penalty
  countLabel: LocalizedText; // records counted: 行政处罚 / penalties ("penalties in the last 12 months")
  shortName: string; // in source names: 'tax-obligation'
  idPrefix: string; // of synthetic sourceRecordIds: 'OBL-<uscc>-<n>'
  fields: Readonly<Record<string, KindFieldSpec>>; // in the order messages list them
  ruleFields: readonly string[]; // dotted paths a rule condition may name, in catalogue order
  example: Readonly<Record<string, unknown>>; // a valid sub-object (documentation, tests)
}

const lt = (zh: string, en: string): LocalizedText => ({ zh, en });

export const RECORD_KIND_SPECS = {
  // 检查 / 双随机抽查
  inspection: {
    label: lt('检查', 'inspection'),
    countLabel: lt('检查', 'inspections'),
    shortName: 'inspection',
    idPrefix: 'INS',
    fields: {
      result: {
        type: 'enum',
        vocabulary: INSPECTION_RESULT,
        required: true,
        label: lt('检查结果', 'inspection result'),
      },
      matter: { type: 'text', max: 500, label: lt('检查事项', 'inspection matter') },
      findings: {
        type: 'texts',
        max: 5000,
        itemMax: 2000,
        maxItems: 200,
        label: lt('检查发现的问题', 'findings'),
      },
      violations: {
        type: 'group',
        label: lt('缺陷项数', 'violations found'),
        fields: {
          critical: { type: 'count', label: lt('严重缺陷项数', 'critical violations') },
          serious: { type: 'count', label: lt('主要缺陷项数', 'serious violations') },
          minor: { type: 'count', label: lt('一般缺陷项数', 'minor violations') },
        },
      },
      trigger: { type: 'enum', vocabulary: INSPECTION_TRIGGER, label: lt('检查方式', 'inspection trigger') },
      premisesRisk: {
        type: 'enum',
        vocabulary: PREMISES_RISK,
        label: lt('经营场所风险等级', 'premises risk level'),
      },
    },
    ruleFields: [
      'result',
      'trigger',
      'violations.critical',
      'violations.serious',
      'violations.minor',
      'matter',
    ],
    example: {
      result: 'rectified',
      matter: '食品经营许可',
      violations: { critical: 0, serious: 0, minor: 1 },
      trigger: 'random',
    },
  },
  // 行政处罚
  penalty: {
    label: lt('行政处罚', 'administrative penalty'),
    countLabel: lt('行政处罚', 'penalties'),
    shortName: 'penalty',
    idPrefix: 'PEN',
    fields: {
      penaltyTypes: {
        type: 'enumList',
        vocabulary: PENALTY_TYPE,
        required: true,
        label: lt('处罚种类', 'penalty types'),
      },
      fineAmount: {
        type: 'amount',
        requiredWhen: { field: 'penaltyTypes', includes: 'fine' },
        label: lt('罚款金额（元）', 'fine amount (CNY)'),
      },
      decisionNo: { type: 'text', max: 200, label: lt('处罚决定书文号', 'decision number') },
      legalBasis: { type: 'text', max: 1000, label: lt('处罚依据', 'legal basis') },
      violationType: { type: 'text', max: 200, label: lt('违法行为类型', 'violation type') },
    },
    ruleFields: ['penaltyTypes', 'fineAmount', 'violationType', 'decisionNo'],
    example: {
      decisionNo: '杭西市监罚〔2025〕123号',
      penaltyTypes: ['fine'],
      fineAmount: 50000,
      legalBasis: '《食品安全法》第一百二十四条',
      violationType: 'food_safety',
    },
  },
  // 经营异常名录 / 严重违法失信名单 / 失信被执行人 / 重大税收违法
  listing: {
    label: lt('名单列入/移出', 'list entry'),
    countLabel: lt('名录列入/移出', 'list additions and removals'),
    shortName: 'listing',
    idPrefix: 'LST',
    fields: {
      list: { type: 'enum', vocabulary: LIST_NAME, required: true, label: lt('名单', 'list') },
      action: {
        type: 'enum',
        vocabulary: LISTING_ACTION,
        required: true,
        label: lt('名单操作', 'list action'),
      },
      reason: { type: 'text', max: 2000, label: lt('列入/移出事由', 'reason') },
    },
    ruleFields: ['list', 'action', 'reason'],
    example: { list: 'serious_violation', action: 'added', reason: '食品安全严重违法' },
  },
  // 投诉举报
  complaint: {
    label: lt('投诉举报', 'complaint'),
    countLabel: lt('投诉举报', 'complaints'),
    shortName: 'complaint',
    idPrefix: 'CMP',
    fields: {
      category: { type: 'text', max: 200, required: true, label: lt('投诉举报类别', 'complaint category') },
      verified: { type: 'boolean', label: lt('投诉举报属实', 'complaint verified') },
    },
    ruleFields: ['category', 'verified'],
    example: { category: '食品安全', verified: true },
  },
  // 履约信息
  obligation_default: {
    label: lt('履约信息', 'obligation default'),
    countLabel: lt('义务违约', 'obligation defaults'),
    shortName: 'obligation',
    idPrefix: 'OBL',
    fields: {
      type: {
        type: 'enum',
        vocabulary: OBLIGATION_TYPE,
        required: true,
        label: lt('失信履约类型', 'default type'),
      },
      amount: { type: 'amount', label: lt('欠缴金额（元）', 'amount in default (CNY)') },
    },
    ruleFields: ['type', 'amount'],
    example: { type: 'tax_arrears', amount: 12000 },
  },
  // 登记信息
  registration: {
    label: lt('登记信息', 'registration'),
    countLabel: lt('登记变更', 'registration changes'),
    shortName: 'registration',
    idPrefix: 'REG',
    fields: {
      name: { type: 'text', max: 300, required: true, label: lt('名称', 'name') },
      entityType: { type: 'text', max: 100, label: lt('市场主体类型', 'entity type') },
      regionCode: { type: 'regionCode', label: lt('住所所在行政区划代码', 'region code') },
      industryCode: { type: 'industryCode', label: lt('所属行业代码', 'industry code') },
      establishedOn: { type: 'date', label: lt('成立日期', 'date of establishment') },
      registeredCapital: { type: 'amount', label: lt('注册资本（元）', 'registered capital (CNY)') },
      legalRepresentative: {
        type: 'group',
        label: lt('法定代表人', 'legal representative'),
        fields: {
          name: { type: 'text', max: 100, label: lt('法定代表人姓名', 'name of the legal representative') },
          idNumber: {
            type: 'text',
            max: 40,
            label: lt('法定代表人证件号码', 'identity number of the legal representative'),
          },
        },
      },
      address: { type: 'text', max: 500, label: lt('住所', 'address') },
      status: { type: 'enum', vocabulary: ENTITY_STATUS, label: lt('登记状态', 'registration status') },
      licensedActivities: {
        type: 'enumList',
        vocabulary: LICENSED_ACTIVITY,
        label: lt('许可经营项目', 'licensed business activities'),
      },
    },
    ruleFields: ['status'],
    example: {
      name: '杭州西湖味道餐饮有限公司',
      entityType: '有限责任公司',
      regionCode: '330106',
      industryCode: 'H6210',
      establishedOn: '2020-03-15',
      registeredCapital: 500000,
      legalRepresentative: { name: '王建国', idNumber: '330106198001011235' },
      address: '浙江省杭州市西湖区文三路100号',
      status: 'active',
    },
  },
} as const satisfies Record<string, KindSpec>;

export type RecordKind = keyof typeof RECORD_KIND_SPECS;
export const RECORD_KINDS = Object.keys(RECORD_KIND_SPECS) as readonly RecordKind[];

export const RECORD_KIND: Vocabulary<RecordKind> = {
  name: 'record kind',
  values: RECORD_KINDS,
  labels: Object.fromEntries(RECORD_KINDS.map((k) => [k, RECORD_KIND_SPECS[k].label])) as Record<
    RecordKind,
    LocalizedText
  >,
};

export function kindSpec(kind: RecordKind): KindSpec {
  return RECORD_KIND_SPECS[kind];
}

// The leaf fields of a kind with their dotted paths ('violations.critical'), in order. A leaf is
// required when it and every group above it are.
export function kindLeafFields(
  kind: RecordKind,
): { path: string; field: Exclude<KindFieldSpec, { type: 'group' }>; required: boolean }[] {
  const out: ReturnType<typeof kindLeafFields> = [];
  const walk = (fields: Readonly<Record<string, KindFieldSpec>>, prefix: string, required: boolean) => {
    for (const [name, field] of Object.entries(fields)) {
      const path = prefix + name;
      const req = required && field.required === true;
      if (field.type === 'group') walk(field.fields, `${path}.`, req);
      else out.push({ path, field, required: req });
    }
  };
  walk(kindSpec(kind).fields, '', true);
  return out;
}

// ---- the types of the records' sub-objects, derived from the descriptions ----------------------

type ValueOf<F> = F extends { type: 'enum'; vocabulary: Vocabulary<infer V> }
  ? V
  : F extends { type: 'enumList'; vocabulary: Vocabulary<infer V> }
    ? V[]
    : F extends { type: 'texts' }
      ? string | string[]
      : F extends { type: 'count' | 'amount' }
        ? number
        : F extends { type: 'boolean' }
          ? boolean
          : F extends { type: 'group'; fields: infer G }
            ? DataOf<G>
            : string;

type RequiredKeys<Fs> = { [K in keyof Fs]: Fs[K] extends { required: true } ? K : never }[keyof Fs];
type Flatten<T> = { -readonly [K in keyof T]: T[K] };
type DataOf<Fs> = Flatten<
  { -readonly [K in RequiredKeys<Fs>]: ValueOf<Fs[K]> } & {
    -readonly [K in Exclude<keyof Fs, RequiredKeys<Fs>>]?: ValueOf<Fs[K]>;
  }
>;

export type KindDataMap = { [K in RecordKind]: DataOf<(typeof RECORD_KIND_SPECS)[K]['fields']> };
