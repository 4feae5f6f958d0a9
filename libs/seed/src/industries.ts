import type { Domain } from '@lianjian/domain';
import type { DepartmentKind } from './departments';

// Industries of the synthetic province: GB/T 4754-2017 classes with a share of entities roughly like
// an eastern province's register (retail, catering and individual businesses dominate), and for each
// the regulators that inspect it, its complaint exposure and how its entities are named.

export interface TargetedInspection {
  dept: DepartmentKind;
  domain: Domain;
  rate: number; // targeted inspections per entity-year at low risk
  matter: string; // 检查事项
}

export interface IndustryProfile {
  code: string;
  name: string;
  weight: number; // relative share of entities
  individualShare: number; // share of 个体工商户
  coopShare: number; // share of 农民专业合作社
  baseRisk: number; // logit offset of the planted risk
  capitalScale: number; // multiplies the registered capital of companies
  complaintRate: number; // complaints per entity-year at low risk
  complaints: readonly string[]; // 12315 categories
  samrDomain: Domain; // what a market-supervision finding is about
  companyWords: readonly string[]; // 行业表述 in a company name
  shopWords: readonly string[]; // 个体户 / cooperative name endings
  regulators: readonly TargetedInspection[];
}

type Row = [
  code: string,
  name: string,
  weight: number,
  individualShare: number,
  baseRisk: number,
  capitalScale: number,
  complaintRate: number,
  group: Group,
  companyWords: string,
  shopWords: string,
  regulators: readonly TargetedInspection[],
  coopShare?: number,
];

type Group =
  | 'food'
  | 'goods'
  | 'drugs'
  | 'devices'
  | 'cosmetics'
  | 'online'
  | 'b2b'
  | 'catering'
  | 'hotel'
  | 'factory'
  | 'construction'
  | 'transport'
  | 'tech'
  | 'property'
  | 'services'
  | 'personal'
  | 'auto'
  | 'training'
  | 'health'
  | 'leisure'
  | 'farm';

const COMPLAINTS: Record<Group, { samr: Domain; categories: readonly string[] }> = {
  food: { samr: 'food_safety', categories: ['食品安全', '价格', '计量', '商品质量', '虚假宣传'] },
  goods: { samr: 'product_quality', categories: ['商品质量', '售后服务', '价格', '虚假宣传', '合同纠纷'] },
  drugs: { samr: 'drugs', categories: ['药品', '价格', '医疗器械', '虚假宣传'] },
  devices: { samr: 'medical_devices', categories: ['医疗器械', '虚假宣传', '售后服务'] },
  cosmetics: { samr: 'cosmetics', categories: ['化妆品', '虚假宣传', '商品质量', '价格'] },
  online: {
    samr: 'market_regulation',
    categories: ['网络购物', '虚假宣传', '售后服务', '商品质量', '侵害消费者个人信息'],
  },
  b2b: { samr: 'product_quality', categories: ['合同纠纷', '商品质量'] },
  catering: { samr: 'food_safety', categories: ['食品安全', '价格', '预付卡消费', '服务质量'] },
  hotel: { samr: 'market_regulation', categories: ['服务质量', '价格', '公共卫生', '预付卡消费'] },
  factory: { samr: 'product_quality', categories: ['商品质量', '合同纠纷', '环境污染'] },
  construction: { samr: 'market_regulation', categories: ['装修质量', '合同纠纷', '施工扰民'] },
  transport: { samr: 'market_regulation', categories: ['服务质量', '合同纠纷', '价格'] },
  tech: { samr: 'market_regulation', categories: ['合同纠纷', '虚假宣传', '侵害消费者个人信息'] },
  property: { samr: 'market_regulation', categories: ['合同纠纷', '价格', '物业服务', '虚假宣传'] },
  services: { samr: 'market_regulation', categories: ['合同纠纷', '虚假宣传', '价格'] },
  personal: {
    samr: 'market_regulation',
    categories: ['预付卡消费', '价格', '服务质量', '虚假宣传', '化妆品'],
  },
  auto: { samr: 'market_regulation', categories: ['维修质量', '价格', '合同纠纷', '配件质量'] },
  training: { samr: 'market_regulation', categories: ['预付卡消费', '合同纠纷', '虚假宣传', '退费纠纷'] },
  health: { samr: 'drugs', categories: ['医疗服务', '价格', '药品', '虚假宣传'] },
  leisure: { samr: 'market_regulation', categories: ['预付卡消费', '价格', '服务质量', '退费纠纷'] },
  farm: { samr: 'food_safety', categories: ['食品安全', '商品质量', '合同纠纷'] },
};

const t = (dept: DepartmentKind, domain: Domain, rate: number, matter: string): TargetedInspection => ({
  dept,
  domain,
  rate,
  matter,
});

const FOOD_SHOP = [t('SAMR', 'food_safety', 0.5, '食品经营者日常监督检查')];
const FOOD_FACTORY = [
  t('SAMR', 'food_safety', 0.8, '食品生产企业监督检查'),
  t('EMA', 'work_safety', 0.2, '工贸企业安全生产执法检查'),
  t('EEB', 'environment', 0.2, '排污单位执法检查'),
];
const CATERING = [
  t('SAMR', 'food_safety', 0.7, '餐饮服务食品安全监督检查'),
  t('EMA', 'work_safety', 0.1, '餐饮场所燃气安全检查'),
];
const FACTORY = [
  t('SAMR', 'product_quality', 0.3, '产品质量监督抽查'),
  t('EMA', 'work_safety', 0.4, '工贸企业安全生产执法检查'),
  t('EEB', 'environment', 0.3, '排污单位执法检查'),
  t('SAMR', 'special_equipment', 0.2, '特种设备使用单位监督检查'),
  t('HRSS', 'labour', 0.05, '劳动保障监察'),
];
const CHEMICAL = [
  t('EMA', 'work_safety', 0.8, '危险化学品企业安全检查'),
  t('EEB', 'environment', 0.6, '排污单位执法检查'),
  t('SAMR', 'special_equipment', 0.3, '压力容器使用单位监督检查'),
];
const BUILDING = [
  t('HOUSING', 'construction', 0.7, '建筑施工安全质量检查'),
  t('EMA', 'work_safety', 0.3, '建设工程安全生产检查'),
  t('EEB', 'environment', 0.2, '施工扬尘污染检查'),
  t('HRSS', 'labour', 0.15, '农民工工资支付检查'),
];
const GOODS = [t('SAMR', 'product_quality', 0.15, '流通领域商品质量抽查')];
const HOTEL = [
  t('HEALTH', 'public_health', 0.5, '公共场所卫生监督检查'),
  t('EMA', 'work_safety', 0.2, '人员密集场所消防安全检查'),
  t('SAMR', 'special_equipment', 0.2, '电梯使用单位监督检查'),
];
const NONE: TargetedInspection[] = [];

// prettier-ignore
const ROWS: Row[] = [
  // 批发和零售业
  ['F5212', '超级市场零售', 30, 0.6, 0, 1, 0.35, 'food', '超市,商贸,超市连锁', '超市,生活超市,购物中心', FOOD_SHOP],
  ['F5213', '便利店零售', 50, 0.9, 0, 0.3, 0.2, 'food', '便利店,商贸', '便利店,便利超市,小卖部', FOOD_SHOP],
  ['F5219', '其他综合零售', 25, 0.85, 0.1, 0.5, 0.2, 'goods', '商贸,百货', '百货店,日用品店,杂货店', GOODS],
  ['F5221', '粮油零售', 20, 0.9, 0, 0.3, 0.15, 'food', '粮油,食品', '粮油店,米店', FOOD_SHOP],
  ['F5223', '果品、蔬菜零售', 40, 0.95, 0, 0.2, 0.15, 'food', '果业,农产品', '水果店,果蔬店,蔬菜店', FOOD_SHOP],
  ['F5224', '肉、禽、蛋、奶及水产品零售', 35, 0.95, 0.2, 0.2, 0.2, 'food', '食品,生鲜', '肉铺,生鲜店,水产店,鲜肉店', FOOD_SHOP],
  ['F5226', '酒、饮料及茶叶零售', 20, 0.85, 0.1, 0.4, 0.15, 'food', '酒业,茶业,商贸', '烟酒店,茶叶店,酒行', FOOD_SHOP],
  ['F5227', '烟草制品零售', 15, 0.95, 0, 0.2, 0.05, 'goods', '商贸', '烟酒店,烟杂店', [t('SAMR', 'market_regulation', 0.15, '经营行为监督检查')]],
  ['F5232', '服装零售', 45, 0.9, 0, 0.3, 0.15, 'goods', '服饰,服装', '服装店,服饰店,女装店', GOODS],
  ['F5234', '化妆品及卫生用品零售', 20, 0.85, 0.2, 0.3, 0.3, 'cosmetics', '化妆品,日化', '化妆品店,美妆店', [t('SAMR', 'cosmetics', 0.4, '化妆品经营者监督检查')]],
  ['F5251', '西药零售', 15, 0.4, 0.1, 0.8, 0.1, 'drugs', '大药房,医药连锁,医药', '药店,大药房', [t('SAMR', 'drugs', 0.8, '药品零售企业监督检查'), t('SAMR', 'medical_devices', 0.2, '医疗器械经营企业监督检查')]],
  ['F5254', '医疗用品及器材零售', 6, 0.5, 0.3, 0.6, 0.15, 'devices', '医疗器械,医疗科技', '医疗器械店,康复用品店', [t('SAMR', 'medical_devices', 0.6, '医疗器械经营企业监督检查')]],
  ['F5272', '日用家电零售', 12, 0.8, 0, 0.5, 0.25, 'goods', '电器,家电', '电器商行,家电店', GOODS],
  ['F5274', '通信设备零售', 10, 0.85, 0.1, 0.3, 0.3, 'goods', '通讯设备,通信器材', '手机店,通讯店', GOODS],
  ['F5265', '机动车燃油零售', 3, 0, 0.3, 3, 0.2, 'goods', '石油,能源', '加油站', [t('EMA', 'work_safety', 0.8, '危险化学品经营单位安全检查'), t('SAMR', 'market_regulation', 0.4, '加油机计量监督检查'), t('EEB', 'environment', 0.3, '加油站油气回收检查')]],
  ['F5292', '互联网零售', 40, 0.6, 0.4, 0.3, 0.5, 'online', '电子商务,网络科技', '网店,电商工作室', [t('SAMR', 'market_regulation', 0.1, '网络交易监督检查')]],
  ['F5121', '米、面制品及食用油批发', 8, 0.4, 0.1, 1.2, 0.05, 'food', '粮油,食品', '粮油批发部', [t('SAMR', 'food_safety', 0.3, '食品经营者日常监督检查')]],
  ['F5132', '服装批发', 15, 0.4, 0.1, 1, 0.05, 'b2b', '服饰,进出口,服装', '服装批发部,服装商行', GOODS],
  ['F5174', '五金产品批发', 15, 0.5, 0.1, 1, 0.05, 'b2b', '五金,机电,进出口', '五金商行,五金店', GOODS],
  ['F5181', '贸易代理', 15, 0.05, 0.5, 1.5, 0.03, 'b2b', '贸易,进出口,国际贸易', '贸易商行', NONE],
  // 住宿和餐饮业
  ['H6210', '正餐服务', 25, 0.8, 0.1, 0.6, 0.35, 'catering', '餐饮管理,餐饮,酒楼', '饭店,酒家,餐馆,土菜馆', CATERING],
  ['H6220', '快餐服务', 25, 0.85, 0.1, 0.4, 0.3, 'catering', '餐饮管理,餐饮', '快餐店,面馆,粉面馆', CATERING],
  ['H6291', '小吃服务', 25, 0.95, 0.2, 0.2, 0.25, 'catering', '餐饮', '小吃店,包子铺,馄饨店,早餐店', CATERING],
  ['H6231', '茶馆服务', 5, 0.7, 0, 0.5, 0.15, 'catering', '茶文化,茶业', '茶馆,茶楼,茶室', CATERING],
  ['H6232', '咖啡馆服务', 4, 0.6, 0, 0.4, 0.15, 'catering', '咖啡,餐饮管理', '咖啡馆,咖啡店', CATERING],
  ['H6110', '旅游饭店', 2, 0.05, 0, 5, 0.3, 'hotel', '酒店管理,大酒店,旅游开发', '大酒店', HOTEL],
  ['H6121', '经济型连锁酒店', 3, 0.1, 0, 1.5, 0.3, 'hotel', '酒店管理,宾馆', '宾馆,酒店,旅馆', HOTEL],
  ['H6130', '民宿服务', 6, 0.7, 0, 0.5, 0.2, 'hotel', '民宿管理,旅游发展', '民宿,农家乐,客栈', [t('HEALTH', 'public_health', 0.3, '公共场所卫生监督检查'), t('CULT', 'culture_tourism', 0.15, '民宿旅游服务质量检查')]],
  // 制造业
  ['C1391', '淀粉及淀粉制品制造', 3, 0.3, 0.3, 1, 0.05, 'food', '食品,淀粉制品', '粉丝加工坊,淀粉加工厂', FOOD_FACTORY],
  ['C1411', '糕点、面包制造', 5, 0.6, 0.2, 0.6, 0.1, 'food', '食品,烘焙', '糕点店,面包坊,糕点作坊', FOOD_FACTORY],
  ['C1431', '米、面制品制造', 5, 0.5, 0.2, 0.6, 0.05, 'food', '食品,粮食制品', '面条加工坊,米面加工厂', FOOD_FACTORY],
  ['C1514', '黄酒制造', 2, 0.2, 0.1, 2, 0.05, 'food', '酒业,酿酒', '酒坊', FOOD_FACTORY],
  ['C1530', '精制茶加工', 5, 0.4, 0, 1, 0.03, 'food', '茶业,茶叶', '茶厂,制茶厂', FOOD_FACTORY],
  ['C1712', '棉织造加工', 8, 0.2, 0.1, 2, 0.02, 'factory', '纺织,织造', '织布厂', FACTORY],
  ['C1819', '其他机织服装制造', 10, 0.3, 0.2, 1, 0.02, 'factory', '服饰,服装,制衣', '服装加工厂,制衣厂', FACTORY],
  ['C1952', '皮鞋制造', 6, 0.2, 0.2, 1.2, 0.03, 'factory', '鞋业,皮革', '鞋厂,制鞋作坊', FACTORY],
  ['C2110', '木质家具制造', 6, 0.3, 0.2, 1.2, 0.05, 'factory', '家具,木业', '家具厂,木器厂', FACTORY],
  ['C2231', '纸和纸板容器制造', 4, 0.2, 0.1, 1.5, 0.02, 'factory', '包装,纸业', '纸箱厂', FACTORY],
  ['C2614', '有机化学原料制造', 3, 0, 0.5, 5, 0.02, 'factory', '化工,新材料', '化工厂', CHEMICAL],
  ['C2682', '化妆品制造', 1.5, 0, 0.4, 3, 0.1, 'cosmetics', '化妆品,生物科技', '化妆品厂', [t('MPA', 'cosmetics', 0.8, '化妆品生产企业监督检查'), t('EEB', 'environment', 0.1, '排污单位执法检查')]],
  ['C2710', '化学药品原料药制造', 1.5, 0, 0.3, 10, 0.02, 'drugs', '制药,药业,生物医药', '制药厂', [t('MPA', 'drugs', 1, '药品生产企业GMP符合性检查'), t('EEB', 'environment', 0.4, '排污单位执法检查'), t('EMA', 'work_safety', 0.3, '危险化学品企业安全检查')]],
  ['C2720', '化学药品制剂制造', 1.5, 0, 0.2, 10, 0.03, 'drugs', '制药,药业', '制药厂', [t('MPA', 'drugs', 1, '药品生产企业GMP符合性检查'), t('EEB', 'environment', 0.2, '排污单位执法检查')]],
  ['C2929', '塑料零件及其他塑料制品制造', 10, 0.25, 0.2, 1.2, 0.02, 'factory', '塑业,塑料制品', '塑料厂,塑料制品厂', FACTORY],
  ['C3311', '金属结构制造', 8, 0.15, 0.2, 1.5, 0.02, 'factory', '钢结构,金属制品', '钢构厂,铁艺加工厂', FACTORY],
  ['C3483', '紧固件制造', 6, 0.2, 0.1, 1.2, 0.02, 'factory', '紧固件,标准件', '标准件厂', FACTORY],
  ['C3581', '医疗诊断、监护及治疗设备制造', 1.5, 0, 0.3, 3, 0.05, 'devices', '医疗器械,医疗科技', '医疗器械厂', [t('MPA', 'medical_devices', 0.8, '医疗器械生产企业监督检查'), t('EMA', 'work_safety', 0.1, '工贸企业安全生产执法检查')]],
  ['C3670', '汽车零部件及配件制造', 8, 0.1, 0.1, 2, 0.02, 'factory', '汽车零部件,汽配', '汽配厂', FACTORY],
  ['C3854', '家用厨房电器具制造', 5, 0.1, 0.1, 2, 0.05, 'factory', '电器,厨具', '电器厂', FACTORY],
  ['C3982', '电子电路制造', 5, 0.05, 0.1, 2.5, 0.02, 'factory', '电子,电路科技', '电子厂', FACTORY],
  // 建筑业
  ['E4710', '住宅房屋建筑', 8, 0, 0.4, 5, 0.1, 'construction', '建设,建筑工程,建工', '建筑队', BUILDING],
  ['E4813', '市政道路工程建筑', 4, 0, 0.3, 5, 0.05, 'construction', '市政工程,建设', '工程队', BUILDING],
  ['E4910', '电气安装', 4, 0.1, 0.2, 1.5, 0.05, 'construction', '电气安装,机电工程', '电器安装部', BUILDING],
  ['E5012', '住宅装饰和装修', 14, 0.4, 0.4, 0.6, 0.35, 'construction', '装饰工程,装饰设计,建筑装饰', '装饰部,装修队', [t('HOUSING', 'construction', 0.2, '住宅装修施工检查'), t('HRSS', 'labour', 0.05, '农民工工资支付检查')]],
  // 交通运输
  ['G5431', '普通货物道路运输', 20, 0.5, 0.3, 0.8, 0.05, 'transport', '物流,运输,货运', '货运部,运输队', [t('TRANS', 'transport', 0.5, '道路运输企业安全检查'), t('EMA', 'work_safety', 0.1, '道路运输安全生产检查')]],
  ['G5435', '危险货物道路运输', 2, 0, 0.4, 3, 0.02, 'transport', '危险品运输,物流', '危货运输队', [t('TRANS', 'transport', 1, '危险货物道路运输检查'), t('EMA', 'work_safety', 0.6, '危险化学品运输安全检查')]],
  ['G5437', '城市配送', 8, 0.3, 0.3, 0.5, 0.15, 'transport', '供应链,配送,物流', '配送站,快递点', [t('TRANS', 'transport', 0.2, '道路运输企业安全检查')]],
  ['G5821', '货物运输代理', 8, 0.1, 0.4, 1, 0.05, 'transport', '国际货运代理,物流', '货代部', [t('TRANS', 'transport', 0.1, '运输代理经营检查')]],
  // 信息技术
  ['I6513', '应用软件开发', 15, 0.02, 0.2, 1, 0.05, 'tech', '信息科技,软件,网络科技,数字科技', '软件工作室', NONE],
  ['I6531', '信息系统集成服务', 8, 0.02, 0.2, 1, 0.03, 'tech', '信息技术,智能科技,系统集成', '电脑服务部', NONE],
  ['I6432', '互联网生活服务平台', 5, 0.02, 0.5, 1, 0.3, 'online', '网络科技,电子商务', '网络工作室', [t('SAMR', 'market_regulation', 0.15, '网络交易平台监督检查')]],
  ['I6450', '互联网数据服务', 3, 0.01, 0.3, 2, 0.05, 'tech', '数据科技,云计算', '数据工作室', NONE],
  ['I6520', '集成电路设计', 2, 0, 0, 3, 0.02, 'tech', '微电子,半导体,芯片科技', '设计工作室', NONE],
  ['I6560', '信息技术咨询服务', 10, 0.03, 0.3, 0.8, 0.05, 'tech', '信息咨询,科技咨询,信息技术', '信息咨询部', NONE],
  // 房地产业
  ['K7010', '房地产开发经营', 5, 0, 0.6, 20, 0.6, 'property', '房地产开发,置业,房地产', '置业部', [t('HOUSING', 'construction', 0.3, '商品房预售监督检查')]],
  ['K7020', '物业管理', 8, 0, 0.3, 1, 0.5, 'property', '物业管理,物业服务', '物业服务部', [t('HOUSING', 'construction', 0.15, '物业服务企业检查'), t('SAMR', 'special_equipment', 0.3, '电梯使用单位监督检查'), t('SAMR', 'market_regulation', 0.1, '收费行为检查')]],
  ['K7030', '房地产中介服务', 8, 0.3, 0.4, 0.3, 0.4, 'property', '房地产经纪,房产中介,置业顾问', '房产中介,房屋中介部', [t('HOUSING', 'construction', 0.15, '房地产经纪机构检查')]],
  // 租赁和商务服务业
  ['L7212', '投资与资产管理', 12, 0, 0.8, 5, 0.1, 'services', '投资管理,资产管理,股权投资', '投资咨询部', [t('SAMR', 'market_regulation', 0.05, '投资类企业专项检查')]],
  ['L7224', '供应链管理服务', 8, 0, 0.6, 2, 0.03, 'services', '供应链管理,供应链', '供应链服务部', NONE],
  ['L7243', '社会经济咨询', 12, 0.1, 0.4, 0.5, 0.05, 'services', '企业管理咨询,咨询服务,商务咨询', '咨询服务部', NONE],
  ['L7259', '其他广告服务', 10, 0.3, 0.3, 0.5, 0.1, 'services', '广告,文化传媒,广告传媒', '广告部,图文广告店', [t('SAMR', 'market_regulation', 0.15, '广告监测检查')]],
  ['L7251', '互联网广告服务', 4, 0.1, 0.5, 0.5, 0.15, 'services', '网络科技,数字传媒', '网络工作室', [t('SAMR', 'market_regulation', 0.2, '互联网广告监测检查')]],
  ['L7263', '劳务派遣服务', 5, 0, 0.6, 1, 0.1, 'services', '人力资源,劳务派遣,劳务服务', '劳务服务部', [t('HRSS', 'labour', 0.4, '劳务派遣单位检查')]],
  ['L7291', '旅行社及相关服务', 4, 0, 0.2, 0.5, 0.4, 'services', '国际旅行社,旅行社,旅游服务', '旅游咨询部', [t('CULT', 'culture_tourism', 0.4, '旅行社经营行为检查')]],
  ['L7281', '科技会展服务', 3, 0.05, 0.2, 0.5, 0.05, 'services', '会展服务,展览展示', '会展服务部', NONE],
  ['L7111', '汽车租赁', 4, 0.2, 0.3, 1, 0.2, 'services', '汽车租赁,租车服务', '汽车租赁部', [t('TRANS', 'transport', 0.1, '汽车租赁经营检查')]],
  ['L7297', '商务代理代办服务', 8, 0.2, 0.7, 0.3, 0.1, 'services', '企业服务,财务咨询,商务服务', '代办服务部', NONE],
  // 科学研究和技术服务业
  ['M7320', '工程和技术研究和试验发展', 5, 0, 0, 2, 0.02, 'tech', '科技,技术研究院,新材料科技', '技术服务部', NONE],
  ['M7483', '工程设计活动', 5, 0, 0, 1, 0.03, 'construction', '工程设计,建筑设计', '设计工作室', NONE],
  ['M7519', '其他技术推广服务', 20, 0.1, 0.3, 0.5, 0.05, 'tech', '科技,技术服务,生物科技,环保科技', '技术服务部', NONE],
  ['M7452', '检测服务', 3, 0, 0.1, 1.5, 0.05, 'tech', '检测技术,检测', '检测站', [t('SAMR', 'market_regulation', 0.3, '检验检测机构监督检查')]],
  // 居民服务、修理和其他服务业
  ['O8040', '理发及美容服务', 25, 0.9, 0.2, 0.2, 0.4, 'personal', '美容,美发,形象设计', '理发店,美发店,美容院,美甲店', [t('HEALTH', 'public_health', 0.3, '公共场所卫生监督检查'), t('SAMR', 'cosmetics', 0.15, '美容美发机构化妆品使用检查')]],
  ['O8052', '足浴服务', 5, 0.8, 0.4, 0.3, 0.3, 'personal', '足浴,休闲', '足浴店,足道馆', [t('HEALTH', 'public_health', 0.4, '公共场所卫生监督检查'), t('EMA', 'work_safety', 0.1, '人员密集场所消防安全检查')]],
  ['O8053', '养生保健服务', 5, 0.8, 0.6, 0.3, 0.35, 'personal', '健康管理,养生,保健服务', '养生馆,保健馆', [t('HEALTH', 'public_health', 0.3, '公共场所卫生监督检查'), t('SAMR', 'market_regulation', 0.2, '保健市场虚假宣传专项检查')]],
  ['O8051', '洗浴服务', 3, 0.5, 0.2, 1, 0.2, 'personal', '洗浴,休闲娱乐', '浴室,浴场', [t('HEALTH', 'public_health', 0.5, '公共场所卫生监督检查'), t('SAMR', 'special_equipment', 0.2, '锅炉使用单位监督检查')]],
  ['O8111', '汽车修理与维护', 15, 0.6, 0.2, 0.5, 0.3, 'auto', '汽车服务,汽车维修', '汽修店,汽车修理厂,汽车美容店', [t('TRANS', 'transport', 0.2, '机动车维修经营检查'), t('EEB', 'environment', 0.2, '挥发性有机物治理检查')]],
  ['O8010', '家庭服务', 5, 0.6, 0.2, 0.2, 0.3, 'personal', '家政服务,家政', '家政服务部', [t('HRSS', 'labour', 0.05, '劳动保障监察')]],
  ['O8030', '洗染服务', 4, 0.85, 0, 0.2, 0.2, 'personal', '洗涤,干洗', '干洗店,洗衣店', [t('EEB', 'environment', 0.15, '干洗行业污染检查')]],
  ['O8020', '托儿所服务', 2, 0.2, 0.2, 0.5, 0.3, 'training', '托育服务,幼儿教育咨询', '托育园,托儿所', [t('HEALTH', 'public_health', 0.3, '托育机构卫生监督检查'), t('EDU', 'education', 0.3, '托育机构办学检查'), t('SAMR', 'food_safety', 0.2, '托育机构食堂食品安全检查')]],
  // 教育
  ['P8310', '学前教育', 2, 0, 0.1, 1, 0.2, 'training', '教育科技,幼教', '幼儿园', [t('EDU', 'education', 0.5, '幼儿园办园行为检查'), t('SAMR', 'food_safety', 0.5, '学校食堂食品安全检查'), t('HEALTH', 'public_health', 0.2, '学校卫生监督检查')]],
  ['P8393', '文化艺术培训', 4, 0.2, 0.3, 0.3, 0.4, 'training', '文化艺术,艺术培训,教育科技', '艺术培训部,琴行,画室', [t('EDU', 'education', 0.5, '校外培训机构检查')]],
  ['P8391', '职业技能培训', 2, 0.1, 0.3, 0.5, 0.3, 'training', '职业技能培训,教育咨询', '培训部', [t('EDU', 'education', 0.3, '校外培训机构检查'), t('HRSS', 'labour', 0.2, '职业培训机构检查')]],
  ['P8394', '教育辅助服务', 2, 0.2, 0.4, 0.3, 0.35, 'training', '教育咨询,教育科技', '教育咨询部', [t('EDU', 'education', 0.4, '校外培训机构检查')]],
  // 卫生和社会工作
  ['Q8425', '门诊部（所）', 3, 0.3, 0.2, 1, 0.3, 'health', '口腔门诊部,医疗管理,中医门诊部', '诊所,口腔诊所,中医诊所', [t('HEALTH', 'public_health', 0.6, '医疗机构执业活动检查'), t('SAMR', 'drugs', 0.15, '医疗机构药品使用质量检查'), t('SAMR', 'medical_devices', 0.1, '医疗器械使用质量检查')]],
  ['Q8514', '老年人、残疾人养护服务', 1.5, 0, 0.1, 1, 0.2, 'health', '养老服务,康养', '养老院', [t('HEALTH', 'public_health', 0.3, '养老机构卫生监督检查'), t('SAMR', 'food_safety', 0.3, '养老机构食堂食品安全检查'), t('EMA', 'work_safety', 0.2, '人员密集场所消防安全检查')]],
  // 文化、体育和娱乐业
  ['R9053', '网吧活动', 3, 0.6, 0.3, 0.3, 0.1, 'leisure', '网络,网咖,文化娱乐', '网吧,网咖', [t('CULT', 'culture_tourism', 0.6, '文化市场综合执法检查'), t('EMA', 'work_safety', 0.2, '人员密集场所消防安全检查')]],
  ['R9051', '歌舞厅娱乐活动', 3, 0.3, 0.5, 0.8, 0.2, 'leisure', '娱乐,文化娱乐,休闲', 'KTV,歌厅', [t('CULT', 'culture_tourism', 0.6, '文化市场综合执法检查'), t('EMA', 'work_safety', 0.2, '人员密集场所消防安全检查'), t('HEALTH', 'public_health', 0.1, '公共场所卫生监督检查')]],
  ['R8930', '健身休闲活动', 5, 0.3, 0.4, 0.5, 0.5, 'leisure', '健身,体育发展,运动健康', '健身房,健身工作室,瑜伽馆', [t('CULT', 'culture_tourism', 0.15, '体育经营场所检查'), t('SAMR', 'market_regulation', 0.1, '预付式消费专项检查')]],
  ['R9011', '文艺创作与表演', 2, 0.2, 0.2, 0.5, 0.05, 'leisure', '文化传媒,文化艺术,演艺', '文艺工作室', [t('CULT', 'culture_tourism', 0.2, '营业性演出检查')]],
  // 农、林、牧、渔业；采矿；燃气
  ['A0141', '蔬菜种植', 8, 0.3, 0, 0.5, 0.02, 'farm', '农业开发,生态农业,农业科技', '果蔬,蔬菜', [t('SAMR', 'food_safety', 0.05, '食用农产品质量检查')], 0.35],
  ['A0153', '柑橘类种植', 6, 0.3, 0, 0.5, 0.02, 'farm', '果业,农业开发', '柑橘,水果', [t('SAMR', 'food_safety', 0.05, '食用农产品质量检查')], 0.35],
  ['A0164', '茶叶种植', 6, 0.3, 0, 0.5, 0.02, 'farm', '茶业,生态农业', '茶叶,茶业', [t('SAMR', 'food_safety', 0.05, '食用农产品质量检查')], 0.35],
  ['A0313', '猪的饲养', 4, 0.3, 0.3, 1, 0.02, 'farm', '牧业,生态农业', '生猪养殖,畜牧', [t('EEB', 'environment', 0.4, '畜禽养殖污染检查')], 0.35],
  ['A0412', '内陆养殖', 6, 0.3, 0.1, 0.5, 0.02, 'farm', '水产,渔业', '水产养殖,渔业', [t('EEB', 'environment', 0.1, '养殖尾水排放检查')], 0.35],
  ['B1019', '粘土及其他土砂石开采', 2, 0, 0.6, 3, 0.03, 'factory', '矿业,石料,建材', '石料厂', [t('EMA', 'work_safety', 1, '非煤矿山安全检查'), t('EEB', 'environment', 0.6, '矿山生态环境执法检查')]],
  ['D4511', '天然气生产和供应业', 1, 0, 0.2, 10, 0.2, 'goods', '燃气,天然气,能源', '燃气站', [t('EMA', 'work_safety', 0.6, '城镇燃气安全检查'), t('SAMR', 'special_equipment', 0.5, '压力管道监督检查')]],
];

export const INDUSTRIES: readonly IndustryProfile[] = ROWS.map((row) => {
  const [
    code,
    name,
    weight,
    individualShare,
    baseRisk,
    capitalScale,
    complaintRate,
    group,
    company,
    shop,
    regulators,
  ] = row;
  const c = COMPLAINTS[group];
  return {
    code,
    name,
    weight,
    individualShare,
    coopShare: row[11] ?? 0,
    baseRisk,
    capitalScale,
    complaintRate,
    complaints: c.categories,
    samrDomain: c.samr,
    companyWords: company.split(','),
    shopWords: shop.split(','),
    regulators,
  };
});
