import iconv from 'iconv-lite';
import type { InspectionData, InspectionResult, InspectionTrigger } from '@lianjian/domain';
import { generateSyntheticProvince, type SyntheticProvinceOptions } from './synthetic-generator';

// A departmental inspection export as a Chinese regulator's system writes it: CSV with Chinese
// headers, GBK-encoded, CRLF line ends, dates and results in the exporting system's own words. Its rows
// are the inspection records of the synthetic province (generateSyntheticProvince), so reading the
// file back with config/sources/samr-gbk-inspections.json must give exactly those records.
//
// Two systems are mixed, as in a provincial 互联网+监管 aggregate: the market regulators' 双随机
// system (SAMR departments) writes '2025年03月07日' and the national 双随机 result phrases; the other
// departments' systems write '2025/03/07' and short results (合格, 不合格, …). The department is
// written twice: its name for people (检查机关) and its code (机关代码), which the profile reads —
// a province has hundreds of departments (763 in the synthetic 浙江), so a name → code value map in the profile
// would be long, tied to one province and broken by every renaming.

export const GBK_FEED_HEADERS = [
  '检查编号',
  '统一社会信用代码',
  '企业名称',
  '检查日期',
  '检查类型',
  '检查事项',
  '检查结果',
  '重大问题数',
  '严重问题数',
  '一般问题数',
  '问题描述',
  '检查机关',
  '机关代码',
] as const;

// 问题描述 joins the findings with this separator (the profile splits on it).
export const GBK_FEED_FINDINGS_SEPARATOR = '；';

// Result texts of the 双随机 system (SAMR departments) and of the other departments' systems.
export const GBK_FEED_RESULTS: Record<'samr' | 'other', Record<InspectionResult, string>> = {
  samr: {
    pass: '未发现问题',
    rectified: '发现问题已责令改正',
    fail: '发现问题待后续处理',
    unreachable: '通过登记的住所（经营场所）无法联系',
    not_operating: '未发现开展本次抽查涉及的经营活动',
  },
  other: {
    pass: '合格',
    rectified: '责令整改',
    fail: '不合格',
    unreachable: '未发现经营地址',
    not_operating: '停业',
  },
};

export const GBK_FEED_TRIGGERS: Record<InspectionTrigger, string> = {
  random: '双随机抽查',
  targeted: '专项检查',
  complaint: '投诉举报核查',
  follow_up: '复查',
};

export interface GbkFeedOptions {
  entities: number;
  seed: number;
  end: string; // YYYY-MM-DD, last day of history
  rows?: number; // at most this many data rows (default: every inspection of the entities)
  provinceCode?: SyntheticProvinceOptions['provinceCode'];
  years?: SyntheticProvinceOptions['years'];
}

const CHUNK_CHARS = 32 * 1024; // text accumulated before a chunk is encoded and yielded

// The text rows of the feed (header first), before encoding.
export function* gbkInspectionFeedRows(opts: GbkFeedOptions): Generator<string[]> {
  const limit = opts.rows ?? Infinity;
  if (!(limit >= 0))
    throw new RangeError(`gbkInspectionFeed: rows must be a non-negative number, got ${opts.rows}`);
  const province = generateSyntheticProvince({
    entities: opts.entities,
    seed: opts.seed,
    end: opts.end,
    ...(opts.provinceCode === undefined ? {} : { provinceCode: opts.provinceCode }),
    ...(opts.years === undefined ? {} : { years: opts.years }),
  });
  const deptName = new Map(province.departments.map((d) => [d.code, d.name]));
  yield [...GBK_FEED_HEADERS];
  let written = 0;
  if (written >= limit) return;
  for (const entity of province.entities()) {
    let name = '';
    for (const { record } of entity.records) {
      if (record.kind === 'registration') {
        name = record.registration.name;
        continue;
      }
      if (record.kind !== 'inspection') continue;
      const ins: InspectionData = record.inspection;
      const samr = record.departmentCode.endsWith('-SAMR');
      const v = ins.violations;
      const findings =
        ins.findings === undefined ? [] : Array.isArray(ins.findings) ? ins.findings : [ins.findings];
      yield [
        record.sourceRecordId,
        entity.uscc,
        name,
        samr ? zhDate(record.occurredAt) : record.occurredAt.replaceAll('-', '/'),
        ins.trigger === undefined ? '' : GBK_FEED_TRIGGERS[ins.trigger],
        ins.matter ?? '',
        GBK_FEED_RESULTS[samr ? 'samr' : 'other'][ins.result],
        v?.critical === undefined ? '' : String(v.critical),
        v?.serious === undefined ? '' : String(v.serious),
        v?.minor === undefined ? '' : String(v.minor),
        findings.join(GBK_FEED_FINDINGS_SEPARATOR),
        deptName.get(record.departmentCode) ?? '',
        record.departmentCode,
      ];
      if (++written >= limit) return;
    }
  }
}

// The feed as GBK-encoded chunks of about 32 KB: memory stays flat whatever the entity count.
export function* gbkInspectionFeedChunks(opts: GbkFeedOptions): Generator<Buffer> {
  let text = '';
  for (const row of gbkInspectionFeedRows(opts)) {
    text += row.map(csvCell).join(',') + '\r\n';
    if (text.length >= CHUNK_CHARS) {
      yield iconv.encode(text, 'gbk');
      text = '';
    }
  }
  if (text) yield iconv.encode(text, 'gbk');
}

// The whole feed in memory (tests, small files).
export function writeGbkInspectionFeed(opts: GbkFeedOptions): Buffer {
  return Buffer.concat([...gbkInspectionFeedChunks(opts)]);
}

function zhDate(isoDate: string): string {
  return `${isoDate.slice(0, 4)}年${isoDate.slice(5, 7)}月${isoDate.slice(8, 10)}日`;
}

function csvCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
