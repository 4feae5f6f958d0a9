import type { Domain } from '@lianjian/domain';
import type { DepartmentKind } from './departments';

// Chinese text the synthetic records are made of: names, addresses, findings, legal bases.

// Common surnames of Zhejiang, most frequent first, with rough relative weights.
export const SURNAMES = [...'陈王张李徐吴周黄林杨金朱刘胡郑何叶俞沈钱方潘应蒋孙许汪毛赵施邵余丁孔楼章程严鲍'];
export const SURNAME_WEIGHTS = SURNAMES.map((_, i) => 1 / (i + 4));

export const GIVEN_NAME_CHARS = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉红玲斌波宁飞浩鑫宇婷颖晨杭海峰俊燕晓云志荣春林亮萍琳雪梅佳欣怡阳凯鹏彬振兴忠良德昌永庆丹璐倩慧',
];

// 字号 syllables of firm names.
export const TRADE_NAME_CHARS = [
  ...'鑫瑞华泰恒盛宏达兴隆丰源祥和顺德汇通创新众诚信聚佳美嘉锦天宇博远海森晟昊康安益富金凯腾星辰智宸霖澜越之尚品优卓立正元明中亿万千禾润青峰格骏麒旺福宝龙凤云鹏灿耀致东南欣悦乐家邦仁义合力同方圆',
];

export const ROADS = [
  '人民路',
  '解放路',
  '中山路',
  '建设路',
  '新华路',
  '和平路',
  '文化路',
  '学院路',
  '工业路',
  '兴业路',
  '创业路',
  '科技路',
  '环城东路',
  '环城西路',
  '环城南路',
  '环城北路',
  '江南大道',
  '滨江路',
  '湖滨路',
  '东风路',
  '青年路',
  '胜利路',
  '复兴路',
  '友谊路',
  '长安路',
  '振兴路',
  '发展大道',
  '园区路',
  '开元路',
  '金桥路',
  '银河路',
  '望江路',
  '南湖路',
  '东湖路',
  '西溪路',
  '北山路',
  '体育场路',
  '凤起路',
  '庆春路',
  '延安路',
];

export const BUILDING_SUFFIXES = ['大厦', '商务中心', '国际中心', '科创园', '广场', '商务楼'];

export const TOWN_SUFFIXES = ['镇', '街道', '乡'];
export const VILLAGE_SUFFIXES = ['村', '社区'];

export const FINDINGS: Record<Domain, readonly string[]> = {
  market_regulation: [
    '未按规定公示年度报告',
    '公示信息隐瞒真实情况',
    '未按规定亮照经营',
    '超出登记经营范围',
    '价格标示不规范',
    '虚假宣传',
  ],
  food_safety: [
    '从业人员未取得健康证明',
    '未按规定公示食品经营许可证',
    '经营超过保质期的食品',
    '食品贮存不符合要求',
    '未建立进货查验记录制度',
    '餐饮具未按规定清洗消毒',
    '加工场所卫生条件不符合要求',
    '使用不符合食品安全标准的原料',
  ],
  drugs: [
    '未按规定凭处方销售处方药',
    '药品储存温湿度不符合要求',
    '执业药师不在岗',
    '购进记录不完整',
    '销售过期药品',
  ],
  medical_devices: ['未按规定建立进货查验记录', '经营未经注册的医疗器械', '储存条件不符合要求'],
  cosmetics: ['经营标签不符合规定的化妆品', '未建立进货查验记录', '经营过期化妆品'],
  special_equipment: [
    '特种设备未按期检验',
    '作业人员未持证上岗',
    '未建立特种设备安全技术档案',
    '安全附件失效',
  ],
  product_quality: ['产品抽检不合格', '未标注生产日期和厂名厂址', '以次充好', '使用不合格原材料'],
  tax: ['未按期申报纳税', '未按规定开具发票'],
  environment: [
    '未按规定申领排污许可证',
    '污染防治设施未正常运行',
    '危险废物未规范贮存',
    '超标排放大气污染物',
    '未落实环境影响评价制度',
  ],
  labour: ['未依法签订劳动合同', '拖欠劳动者工资', '未按规定缴纳社会保险费'],
  work_safety: [
    '安全生产责任制不落实',
    '未按规定开展安全生产教育培训',
    '消防通道堵塞',
    '危险化学品储存不规范',
    '安全警示标志缺失',
    '事故隐患未及时排查治理',
  ],
  public_health: [
    '从业人员未取得健康合格证明',
    '公共用品用具未按规定清洗消毒',
    '未公示卫生许可证',
    '卫生检测不合格',
  ],
  court_enforcement: ['未履行生效法律文书确定的义务'],
  education: ['未取得办学许可', '消防安全隐患', '食堂食品安全管理不到位', '师资资质不符合要求'],
  transport: ['车辆未按规定进行年审', '驾驶员未取得从业资格证', '动态监控不到位', '超载运输'],
  construction: [
    '未取得施工许可擅自施工',
    '安全防护措施不到位',
    '未按规定进行质量检测',
    '特种作业人员无证上岗',
  ],
  culture_tourism: [
    '接纳未成年人进入营业场所',
    '未按规定核对登记上网消费者身份',
    '未与旅游者签订书面合同',
    '超范围经营',
  ],
  credit_coordination: [], // the credit office coordinates; it inspects and penalises nothing
};

export const LEGAL_BASES: Record<Domain, readonly string[]> = {
  market_regulation: [
    '《市场主体登记管理条例》第四十六条',
    '《企业信息公示暂行条例》第十八条',
    '《明码标价和禁止价格欺诈规定》第二十二条',
    '《反不正当竞争法》第二十条',
    '《广告法》第五十五条',
  ],
  food_safety: [
    '《食品安全法》第一百二十四条',
    '《食品安全法》第一百二十五条',
    '《食品安全法》第一百二十六条',
    '《食品安全法》第一百二十二条',
  ],
  drugs: ['《药品管理法》第一百二十六条', '《药品管理法》第一百二十九条', '《药品管理法》第一百三十条'],
  medical_devices: ['《医疗器械监督管理条例》第八十六条', '《医疗器械监督管理条例》第八十九条'],
  cosmetics: ['《化妆品监督管理条例》第六十条', '《化妆品监督管理条例》第六十二条'],
  special_equipment: [
    '《特种设备安全法》第八十三条',
    '《特种设备安全法》第八十四条',
    '《特种设备安全法》第八十六条',
  ],
  product_quality: ['《产品质量法》第四十九条', '《产品质量法》第五十条', '《产品质量法》第五十四条'],
  tax: ['《税收征收管理法》第六十二条', '《税收征收管理法》第六十三条', '《税收征收管理法》第六十八条'],
  environment: [
    '《大气污染防治法》第一百零八条',
    '《水污染防治法》第八十三条',
    '《固体废物污染环境防治法》第一百一十二条',
    '《排污许可管理条例》第三十三条',
  ],
  labour: [
    '《劳动保障监察条例》第二十六条',
    '《社会保险法》第八十六条',
    '《保障农民工工资支付条例》第五十四条',
  ],
  work_safety: ['《安全生产法》第九十七条', '《安全生产法》第九十九条', '《安全生产法》第一百零二条'],
  public_health: ['《公共场所卫生管理条例实施细则》第三十六条', '《医疗机构管理条例》第四十四条'],
  court_enforcement: ['《民事诉讼法》第一百一十四条'],
  education: ['《民办教育促进法》第六十二条'],
  transport: ['《道路运输条例》第六十三条', '《道路危险货物运输管理规定》第五十六条'],
  construction: [
    '《建设工程质量管理条例》第六十四条',
    '《建筑法》第七十一条',
    '《建设工程安全生产管理条例》第六十二条',
  ],
  culture_tourism: [
    '《旅游法》第九十五条',
    '《互联网上网服务营业场所管理条例》第三十一条',
    '《娱乐场所管理条例》第四十八条',
  ],
  credit_coordination: [], // the credit office coordinates; it inspects and penalises nothing
};

// Middle part of a decision number: 杭西「市监」罚〔2025〕123号.
export const DECISION_ABBREVIATIONS: Record<DepartmentKind, string> = {
  SAMR: '市监',
  MPA: '药监',
  TAX: '税',
  EEB: '环',
  EMA: '应急',
  HRSS: '人社',
  HEALTH: '卫',
  EDU: '教',
  COURT: '法',
  HIGHCOURT: '法',
  TRANS: '交',
  HOUSING: '建',
  CULT: '文旅',
  DRC: '发改',
};

export const REASONS = {
  annualReport: '未按照规定期限公示年度报告',
  annualReportRemoved: '已补报未报年份年度报告并公示',
  unreachable: '通过登记的住所或者经营场所无法联系',
  unreachableRemoved: '依法办理住所变更登记，申请移出经营异常名录',
  falseDisclosure: '公示企业信息隐瞒真实情况、弄虚作假',
  serious: '因严重违法行为受到较重行政处罚',
  seriousRepeat: '同一性质违法行为一年内受到两次以上行政处罚',
  seriousRemoved: '信用修复：已履行行政处罚决定并完成整改',
  courtDefaulter: '有履行能力而拒不履行生效法律文书确定义务',
  courtDefaulterRemoved: '已履行生效法律文书确定义务',
  taxViolation: '欠缴税款，采取转移或者隐匿财产手段，妨碍税务机关追缴欠缴的税款',
  taxViolationRemoved: '已缴清税款、滞纳金和罚款',
  unreachableFinding: '通过登记的住所或者经营场所无法联系',
  notOperatingFinding: '未在登记住所开展经营活动，已停业',
} as const;

export const RANDOM_INSPECTION_MATTERS = ['企业公示信息抽查', '登记事项监督检查', '经营行为规范检查'];

// What a random market-supervision inspection checks, by the industry's main domain.
export const SAMR_MATTERS: Partial<Record<Domain, string>> & { market_regulation: string } = {
  market_regulation: '经营行为规范检查',
  food_safety: '食品安全监督抽查',
  drugs: '药品经营使用质量监督抽查',
  medical_devices: '医疗器械经营使用质量监督抽查',
  cosmetics: '化妆品经营者监督抽查',
  product_quality: '产品质量监督抽查',
  special_equipment: '特种设备安全监督抽查',
};
export const LABOUR_COMPLAINT = '拖欠工资';
