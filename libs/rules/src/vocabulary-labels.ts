import type { Domain, FeedStatus, RiskClass, Severity } from '@lianjian/domain';
import type { LocalizedText } from '@lianjian/reference';

// Bilingual labels of the fixed vocabularies, for the explanations and routing reasons staff read.
// Typed as complete records so that a new vocabulary value fails to compile until it has a label.
// The vocabularies of record fields carry their labels themselves (@lianjian/domain vocabulary.ts).

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
