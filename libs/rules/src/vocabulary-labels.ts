import type {
  Domain,
  EntityStatus,
  FeedStatus,
  InspectionResult,
  InspectionTrigger,
  ListingAction,
  ListName,
  ObligationType,
  PenaltyType,
  RecordKind,
  RiskClass,
  Severity,
} from '@lianjian/domain';
import type { LocalizedText } from '@lianjian/reference';

// Bilingual labels of the fixed vocabularies, for the explanations and routing reasons staff read.
// Typed as complete records so that a new vocabulary value fails to compile until it has a label.

export const RECORD_KIND_LABELS: Readonly<Record<RecordKind, LocalizedText>> = {
  inspection: { zh: '检查', en: 'inspection' },
  penalty: { zh: '行政处罚', en: 'administrative penalty' },
  listing: { zh: '名单列入/移出', en: 'list entry' },
  complaint: { zh: '投诉举报', en: 'complaint' },
  obligation_default: { zh: '履约信息', en: 'obligation default' },
  registration: { zh: '登记信息', en: 'registration' },
};

export const PENALTY_TYPE_LABELS: Readonly<Record<PenaltyType, LocalizedText>> = {
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
};

export const LIST_LABELS: Readonly<Record<ListName, LocalizedText>> = {
  abnormal_operations: { zh: '经营异常名录', en: 'abnormal-operations list' },
  serious_violation: { zh: '严重违法失信名单', en: 'serious-violation list' },
  court_defaulter: { zh: '失信被执行人名单', en: 'court defaulter list' },
  tax_violation: { zh: '重大税收违法失信主体名单', en: 'major tax violator list' },
};

export const LISTING_ACTION_LABELS: Readonly<Record<ListingAction, LocalizedText>> = {
  added: { zh: '列入', en: 'added' },
  removed: { zh: '移出', en: 'removed' },
};

export const INSPECTION_RESULT_LABELS: Readonly<Record<InspectionResult, LocalizedText>> = {
  pass: { zh: '未发现问题', en: 'no issue found' },
  rectified: { zh: '发现问题已责令改正', en: 'issue found and rectified' },
  fail: { zh: '不合格', en: 'non-compliant' },
  unreachable: { zh: '通过登记的住所（经营场所）无法联系', en: 'unreachable at the registered address' },
  not_operating: { zh: '未开业或已停业', en: 'not operating' },
};

export const INSPECTION_TRIGGER_LABELS: Readonly<Record<InspectionTrigger, LocalizedText>> = {
  random: { zh: '双随机抽查', en: 'random inspection' },
  targeted: { zh: '重点检查', en: 'targeted inspection' },
  complaint: { zh: '投诉举报核查', en: 'complaint check' },
  follow_up: { zh: '复查', en: 'follow-up inspection' },
};

export const OBLIGATION_TYPE_LABELS: Readonly<Record<ObligationType, LocalizedText>> = {
  tax_arrears: { zh: '欠缴税款', en: 'tax arrears' },
  social_insurance_arrears: { zh: '欠缴社会保险费', en: 'social-insurance arrears' },
  court_judgment: { zh: '未履行生效裁判', en: 'unpaid court judgment' },
};

export const ENTITY_STATUS_LABELS: Readonly<Record<EntityStatus, LocalizedText>> = {
  active: { zh: '存续', en: 'active' },
  deregistered: { zh: '注销', en: 'deregistered' },
  revoked: { zh: '吊销营业执照', en: 'business licence revoked' },
};

export const FEED_STATUS_LABELS: Readonly<Record<FeedStatus, LocalizedText>> = {
  never: { zh: '尚未报送', en: 'never sent' },
  ok: { zh: '正常', en: 'as usual' },
  stalled: { zh: '报送中断', en: 'stalled' },
  empty: { zh: '报送为空', en: 'empty' },
  degraded: { zh: '退回率高', en: 'many rows refused' },
};

export const RISK_CLASS_LABELS: Readonly<Record<RiskClass, LocalizedText>> = {
  A: { zh: 'A类（信用风险低）', en: 'class A (low risk)' },
  B: { zh: 'B类（信用风险一般）', en: 'class B (general risk)' },
  C: { zh: 'C类（信用风险较高）', en: 'class C (higher risk)' },
  D: { zh: 'D类（信用风险高）', en: 'class D (high risk)' },
};

export const DOMAIN_LABELS: Readonly<Record<Domain, LocalizedText>> = {
  market_regulation: { zh: '综合市场监管', en: 'general market regulation' },
  food_safety: { zh: '食品安全', en: 'food safety' },
  drugs: { zh: '药品', en: 'drugs' },
  medical_devices: { zh: '医疗器械', en: 'medical devices' },
  cosmetics: { zh: '化妆品', en: 'cosmetics' },
  special_equipment: { zh: '特种设备', en: 'special equipment' },
  product_quality: { zh: '产品质量', en: 'product quality' },
  tax: { zh: '税务', en: 'tax' },
  environment: { zh: '生态环境', en: 'environment' },
  labour: { zh: '劳动保障', en: 'labour' },
  work_safety: { zh: '安全生产', en: 'work safety' },
  public_health: { zh: '卫生健康', en: 'public health' },
  court_enforcement: { zh: '法院执行', en: 'court enforcement' },
  education: { zh: '教育', en: 'education' },
  transport: { zh: '交通运输', en: 'transport' },
  construction: { zh: '住房和城乡建设', en: 'housing and construction' },
  culture_tourism: { zh: '文化和旅游', en: 'culture and tourism' },
  credit_coordination: {
    zh: '信用建设统筹协调',
    en: 'joint-enforcement coordination (social credit office)',
  },
};

export const SEVERITY_LABELS: Readonly<Record<Severity, LocalizedText>> = {
  low: { zh: '低', en: 'low' },
  medium: { zh: '中', en: 'medium' },
  high: { zh: '高', en: 'high' },
  critical: { zh: '严重', en: 'critical' },
};
