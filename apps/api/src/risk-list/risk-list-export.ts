import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import type { FactorContribution } from '@lianjian/scoring';

// The risk list as an Excel workbook (风险名单导出), written row by row as the pages come from the
// database (exceljs' streaming writer: a committed row leaves memory), so an export of the row limit
// never holds the list. Sheet 1 is the list, highest score first; sheet 2 says what it holds: the
// filter, when, by whom, and whether the row limit cut it.
export interface ExportRow {
  entity: {
    name: string | null;
    key: string;
    regionCode: string | null;
    regionName: string | null;
    industryCode: string | null;
    industryName: { zh: string; en: string } | null;
  };
  score: number;
  riskClass: string;
  modelVersion: string;
  topFactors: FactorContribution[];
  scoredAt: string | Date;
}

export interface ExportAbout {
  filter: Record<string, unknown>;
  exportedAt: Date;
  exportedBy: string;
  rowLimit: number;
}

type Lang = 'zh-CN' | 'en-US';
const TEXT = {
  'zh-CN': {
    sheet: '风险名单',
    about: '说明',
    columns: [
      '主体名称',
      '统一社会信用代码',
      '行政区划代码',
      '行政区划',
      '行业代码',
      '行业',
      '评分',
      '风险分类',
      '主要风险因素',
      '评分模型',
      '评分时间',
    ],
    filter: '筛选条件',
    none: '无（辖区内全部）',
    exportedAt: '导出时间（北京时间）',
    exportedBy: '导出人',
    rows: '导出行数',
    rowLimit: '行数上限',
    truncated: '是否截断',
    yes: '是：符合条件的主体多于行数上限，仅导出评分最高的部分，请缩小筛选范围',
    no: '否：已导出全部符合条件的主体',
    order: '排序',
    orderText: '按评分从高到低',
  },
  'en-US': {
    sheet: 'Risk list',
    about: 'About',
    columns: [
      'Name',
      'USCC',
      'Region code',
      'Region',
      'Industry code',
      'Industry',
      'Score',
      'Class',
      'Top factors',
      'Model',
      'Scored at',
    ],
    filter: 'Filter',
    none: 'none (all of the jurisdiction)',
    exportedAt: 'Exported at (China Standard Time)',
    exportedBy: 'Exported by',
    rows: 'Rows exported',
    rowLimit: 'Row limit',
    truncated: 'Cut at the limit',
    yes: 'yes: more entities match than the row limit; only the highest scores are here; narrow the filter',
    no: 'no: every matching entity is here',
    order: 'Order',
    orderText: 'highest score first',
  },
} as const;

// Asia/Shanghai, as staff read times (UTC+8, no daylight saving).
const cst = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);

const factorText = (f: FactorContribution[], lang: Lang) =>
  f
    .slice(0, 3)
    .map((x) => `${lang === 'zh-CN' ? x.label.zh : x.label.en} ${x.points > 0 ? '+' : ''}${x.points}`)
    .join('; ');

// Writes the workbook to `out` from `pages` (each an array of rows) and resolves with the rows written
// and whether the limit cut the list. `more` tells, after the last page, whether rows were left.
export async function writeRiskListWorkbook(
  out: Writable,
  lang: Lang,
  pages: AsyncIterable<ExportRow[]>,
  about: ExportAbout,
  more: () => boolean,
): Promise<{ rows: number; truncated: boolean }> {
  const t = TEXT[lang];
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Lianjian 联监';
  const ws = wb.addWorksheet(t.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [40, 22, 12, 28, 12, 36, 8, 8, 60, 16, 20].map((width) => ({ width }));
  const head = ws.addRow([...t.columns]);
  head.font = { bold: true };
  head.commit();
  let rows = 0;
  for await (const page of pages)
    for (const r of page) {
      ws.addRow([
        r.entity.name ?? '',
        r.entity.key,
        r.entity.regionCode ?? '',
        r.entity.regionName ?? '',
        r.entity.industryCode ?? '',
        r.entity.industryName ? (lang === 'zh-CN' ? r.entity.industryName.zh : r.entity.industryName.en) : '',
        r.score,
        r.riskClass,
        factorText(r.topFactors, lang),
        r.modelVersion,
        cst(new Date(r.scoredAt)),
      ]).commit();
      rows++;
    }
  ws.commit();
  const truncated = more();
  const info = wb.addWorksheet(t.about);
  info.columns = [{ width: 28 }, { width: 90 }];
  const filter = Object.entries(about.filter)
    .filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join('; ');
  for (const line of [
    [t.filter, filter || t.none],
    [t.order, t.orderText],
    [t.exportedAt, cst(about.exportedAt)],
    [t.exportedBy, about.exportedBy],
    [t.rows, rows],
    [t.rowLimit, about.rowLimit],
    [t.truncated, truncated ? t.yes : t.no],
  ])
    info.addRow(line).commit();
  info.commit();
  await wb.commit();
  return { rows, truncated };
}
