import type { LocalizedText } from '@lianjian/reference';

// Fixed vocabularies of the canonical record (../shared/API.md). Values are stable wire names:
// never rename one, add new ones instead. A vocabulary of a record field carries its zh/en labels
// (for the explanations and routing reasons staff read) and the name messages give one value.

export interface Vocabulary<V extends string = string> {
  name: string; // one value, as messages name it: 'penalty type'
  values: readonly V[];
  labels: Readonly<Record<V, LocalizedText>>;
}

// The values are the labels' keys, in order: a value cannot exist without its label.
function vocabulary<const L extends Record<string, LocalizedText>>(
  name: string,
  labels: L,
): Vocabulary<keyof L & string> {
  return { name, values: Object.keys(labels) as (keyof L & string)[], labels };
}

export const INSPECTION_RESULT = vocabulary('inspection result', {
  pass: { zh: '未发现问题', en: 'no issue found' },
  rectified: { zh: '发现问题已责令改正', en: 'issue found and rectified' },
  fail: { zh: '不合格', en: 'non-compliant' },
  unreachable: { zh: '通过登记的住所（经营场所）无法联系', en: 'unreachable at the registered address' },
  not_operating: { zh: '未开业或已停业', en: 'not operating' },
});
export const INSPECTION_RESULTS = INSPECTION_RESULT.values;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export const INSPECTION_TRIGGER = vocabulary('inspection trigger', {
  random: { zh: '双随机抽查', en: 'random inspection' },
  targeted: { zh: '重点检查', en: 'targeted inspection' },
  complaint: { zh: '投诉举报核查', en: 'complaint check' },
  follow_up: { zh: '复查', en: 'follow-up inspection' },
});
export const INSPECTION_TRIGGERS = INSPECTION_TRIGGER.values;
export type InspectionTrigger = (typeof INSPECTION_TRIGGERS)[number];

// 经营场所风险等级: the inspecting department's own grading of the premises (食品生产经营风险分级
// and its equivalents elsewhere), recorded with an inspection.
export const PREMISES_RISK = vocabulary('premises risk level', {
  low: { zh: '低风险', en: 'low risk' },
  medium: { zh: '中风险', en: 'medium risk' },
  high: { zh: '高风险', en: 'high risk' },
});
export const PREMISES_RISKS = PREMISES_RISK.values;
export type PremisesRisk = (typeof PREMISES_RISKS)[number];

// 许可经营项目: the business activities an entity is licensed for (its 营业执照 / 许可证 经营范围, or a
// city's licences held), recorded with a registration. Kinds of activity that carry their own risks
// (alcohol, tobacco, eating on the premises …), not a full classification: industryCode is that.
export const LICENSED_ACTIVITY = vocabulary('licensed activity', {
  food_business: { zh: '食品经营（销售或餐饮服务）', en: 'food business (sales or food service)' },
  catering: { zh: '餐饮外卖与宴席承办', en: 'catering' },
  mobile_food: { zh: '流动食品经营（餐车）', en: 'mobile food vending' },
  alcohol_on_premises: { zh: '酒类堂饮（店内饮酒）', en: 'alcohol consumed on the premises' },
  alcohol_retail: { zh: '酒类零售', en: 'alcohol retail' },
  tobacco_retail: { zh: '烟草零售', en: 'tobacco retail' },
  outdoor_seating: { zh: '室外就餐区', en: 'outdoor seating' },
  entertainment: { zh: '娱乐场所经营', en: 'place of entertainment' },
  childcare: { zh: '托育服务', en: 'childcare' },
  fuel_station: { zh: '加油站', en: 'fuel station' },
  general_business: { zh: '一般经营项目', en: 'general business' },
  regulated_business: { zh: '其他须经许可的经营项目', en: 'other regulated business' },
});
export const LICENSED_ACTIVITIES = LICENSED_ACTIVITY.values;
export type LicensedActivity = (typeof LICENSED_ACTIVITIES)[number];

export const PENALTY_TYPE = vocabulary('penalty type', {
  warning: { zh: '警告', en: 'warning' },
  notice_of_criticism: { zh: '通报批评', en: 'notice of criticism' },
  fine: { zh: '罚款', en: 'fine' },
  confiscation: { zh: '没收违法所得、没收非法财物', en: 'confiscation' },
  license_suspension: { zh: '暂扣许可证件', en: 'licence suspension' },
  qualification_downgrade: { zh: '降低资质等级', en: 'qualification downgrade' },
  license_revocation: { zh: '吊销许可证件', en: 'licence revocation' },
  business_restriction: { zh: '限制开展生产经营活动', en: 'business restriction' },
  business_suspension: { zh: '责令停产停业', en: 'ordered suspension of business' },
  closure: { zh: '责令关闭', en: 'ordered closure' },
});
export const PENALTY_TYPES = PENALTY_TYPE.values;
export type PenaltyType = (typeof PENALTY_TYPES)[number];

export const LIST_NAME = vocabulary('list', {
  abnormal_operations: { zh: '经营异常名录', en: 'abnormal-operations list' },
  serious_violation: { zh: '严重违法失信名单', en: 'serious-violation list' },
  court_defaulter: { zh: '失信被执行人名单', en: 'court defaulter list' },
  tax_violation: { zh: '重大税收违法失信主体名单', en: 'major tax violator list' },
});
export const LISTS = LIST_NAME.values;
export type ListName = (typeof LISTS)[number];

export const LISTING_ACTION = vocabulary('listing action', {
  added: { zh: '列入', en: 'added' },
  removed: { zh: '移出', en: 'removed' },
});
export const LISTING_ACTIONS = LISTING_ACTION.values;
export type ListingAction = (typeof LISTING_ACTIONS)[number];

export const OBLIGATION_TYPE = vocabulary('obligation type', {
  tax_arrears: { zh: '欠缴税款', en: 'tax arrears' },
  social_insurance_arrears: { zh: '欠缴社会保险费', en: 'social-insurance arrears' },
  court_judgment: { zh: '未履行生效裁判', en: 'unpaid court judgment' },
});
export const OBLIGATION_TYPES = OBLIGATION_TYPE.values;
export type ObligationType = (typeof OBLIGATION_TYPES)[number];

export const ENTITY_STATUS = vocabulary('entity status', {
  active: { zh: '存续', en: 'active' },
  deregistered: { zh: '注销', en: 'deregistered' },
  revoked: { zh: '吊销营业执照', en: 'business licence revoked' },
});
export const ENTITY_STATUSES = ENTITY_STATUS.values;
export type EntityStatus = (typeof ENTITY_STATUSES)[number];

// Regulatory domains (监管领域) a department covers. Routing matches findings to departments by domain.
export const DOMAINS = [
  'market_regulation', // 综合市场监管（登记、信用、价格、广告、反不正当竞争）
  'food_safety', // 食品安全
  'drugs', // 药品
  'medical_devices', // 医疗器械
  'cosmetics', // 化妆品
  'special_equipment', // 特种设备
  'product_quality', // 产品质量
  'tax', // 税务
  'environment', // 生态环境
  'labour', // 劳动保障
  'work_safety', // 安全生产
  'public_health', // 卫生健康
  'court_enforcement', // 法院执行
  'education', // 教育（学校食堂等）
  'transport', // 交通运输
  'construction', // 住房和城乡建设
  'culture_tourism', // 文化和旅游
  'credit_coordination', // 社会信用体系建设牵头（信用办）：联合奖惩的协调
] as const;
export type Domain = (typeof DOMAINS)[number];

export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

// How a department's feed behaves against its own history (数据报送状况): never received, as usual,
// stalled (silent for too long), empty (last file had no rows) or degraded (many rows refused).
export const FEED_STATUSES = ['never', 'ok', 'stalled', 'empty', 'degraded'] as const;
export type FeedStatus = (typeof FEED_STATUSES)[number];

export type { LocalizedText } from '@lianjian/reference';
