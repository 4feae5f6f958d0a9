// Fixed vocabularies of the canonical record (../shared/API.md). Values are stable wire names:
// never rename one, add new ones instead.

export const RECORD_KINDS = [
  'inspection', // 检查 / 双随机抽查
  'penalty', // 行政处罚
  'listing', // 经营异常名录 / 严重违法失信名单 / 失信被执行人 / 重大税收违法
  'complaint', // 投诉举报
  'obligation_default', // 履约信息
  'registration', // 登记信息
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const INSPECTION_RESULTS = ['pass', 'rectified', 'fail', 'unreachable', 'not_operating'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export const INSPECTION_TRIGGERS = ['random', 'targeted', 'complaint', 'follow_up'] as const;
export type InspectionTrigger = (typeof INSPECTION_TRIGGERS)[number];

export const PENALTY_TYPES = [
  'warning', // 警告
  'notice_of_criticism', // 通报批评
  'fine', // 罚款
  'confiscation', // 没收违法所得、没收非法财物
  'license_suspension', // 暂扣许可证件
  'qualification_downgrade', // 降低资质等级
  'license_revocation', // 吊销许可证件
  'business_restriction', // 限制开展生产经营活动
  'business_suspension', // 责令停产停业
  'closure', // 责令关闭
] as const;
export type PenaltyType = (typeof PENALTY_TYPES)[number];

export const LISTS = [
  'abnormal_operations', // 经营异常名录
  'serious_violation', // 严重违法失信名单
  'court_defaulter', // 失信被执行人
  'tax_violation', // 重大税收违法失信主体
] as const;
export type ListName = (typeof LISTS)[number];

export const LISTING_ACTIONS = ['added', 'removed'] as const;
export type ListingAction = (typeof LISTING_ACTIONS)[number];

export const OBLIGATION_TYPES = ['tax_arrears', 'social_insurance_arrears', 'court_judgment'] as const;
export type ObligationType = (typeof OBLIGATION_TYPES)[number];

export const ENTITY_STATUSES = ['active', 'deregistered', 'revoked'] as const;
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
