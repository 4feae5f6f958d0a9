import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { InvalidInputError, textProblem } from '@lianjian/common';
import { PHONE } from './dto/inspector.dto';
import { domainProblems, regionProblems, type DepartmentScope, type Reason } from './inspector.rules';

// The inspector directory's CSV import (执法检查人员名录导入): a header row, then one inspector per row.
// Read whole (the file is small: at most MAX_IMPORT_BYTES, MAX_IMPORT_ROWS), decoded as UTF-8 (with or
// without a BOM) or, when it is not UTF-8, as GBK/GB18030 (what spreadsheets save in Chinese
// Windows); every row checked, and every problem of every row listed, before anything is stored.

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;
export const IMPORT_COLUMNS = [
  'certificate_no',
  'name',
  'department_code',
  'domains',
  'region_code',
  'active',
  'phone',
] as const;
const REQUIRED = new Set(['certificate_no', 'name', 'department_code', 'domains', 'region_code']);
type Column = (typeof IMPORT_COLUMNS)[number];

// A problem of the file: its row (the header is row 1, the first inspector row 2), the column, why.
export interface RowProblem {
  row: number;
  column: string;
  reason: Reason;
}

export interface ImportRow {
  row: number;
  certificateNo: string;
  name: string;
  departmentCode: string;
  domains: string[];
  regionCode: string;
  active: boolean;
  phone: string | null;
}

const refused = (message: string, details: unknown[] = []) =>
  new InvalidInputError(`${message}; nothing was imported`, details);

export function decodeCsv(buf: Buffer): string {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
    return buf.subarray(3).toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const text = iconv.decode(buf, 'gb18030');
    if (text.includes('\uFFFD'))
      throw refused(
        'the file is neither UTF-8 nor GBK text (文件编码无法识别：请保存为 UTF-8 或 GBK 的 CSV)',
      );
    return text;
  }
}

const ACTIVE = new Map<string, boolean>([
  ['', true],
  ['true', true],
  ['1', true],
  ['yes', true],
  ['y', true],
  ['是', true],
  ['在岗', true],
  ['false', false],
  ['0', false],
  ['no', false],
  ['n', false],
  ['否', false],
  ['离岗', false],
]);

export function parseInspectorCsv(
  text: string,
  ctx: { departments: Map<string, DepartmentScope>; actsFor: string },
): { rows: ImportRow[]; problems: RowProblem[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (e) {
    throw refused(`the file is not readable CSV: ${(e as Error).message} (CSV 格式错误)`);
  }
  if (!records.length) throw refused('the file is empty (文件为空)');
  if (records.length - 1 > MAX_IMPORT_ROWS)
    throw refused(
      `the file has ${records.length - 1} rows, at most ${MAX_IMPORT_ROWS} are imported at once (单次最多导入 ${MAX_IMPORT_ROWS} 行)`,
    );

  const problems: RowProblem[] = [];
  const header = records[0].map((h) => h.trim().toLowerCase());
  const at = new Map<Column, number>();
  header.forEach((h, i) => {
    if (!(IMPORT_COLUMNS as readonly string[]).includes(h))
      problems.push({
        row: 1,
        column: h || `(column ${i + 1})`,
        reason: {
          zh: `未知的列“${h}”（应为：${IMPORT_COLUMNS.join('、')}）`,
          en: `unknown column '${h}' (expected: ${IMPORT_COLUMNS.join(', ')})`,
        },
      });
    else if (at.has(h as Column))
      problems.push({ row: 1, column: h, reason: { zh: `列“${h}”重复`, en: `column '${h}' appears twice` } });
    else at.set(h as Column, i);
  });
  for (const c of REQUIRED)
    if (!at.has(c as Column))
      problems.push({ row: 1, column: c, reason: { zh: `缺少列“${c}”`, en: `column '${c}' is missing` } });
  if (problems.length) return { rows: [], problems };
  if (records.length === 1) throw refused('the file has a header but no inspectors (文件没有数据行)');

  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const before = problems.length;
    const problem = (column: string, reason: Reason) => problems.push({ row, column, reason });
    if (cells.length !== header.length) {
      problem('(row)', {
        zh: `该行有 ${cells.length} 列，表头有 ${header.length} 列`,
        en: `the row has ${cells.length} fields, the header ${header.length}`,
      });
      return;
    }
    const cell = (c: Column) => {
      const v = at.has(c) ? cells[at.get(c)!].trim() : '';
      const unsafe = textProblem(v, 500);
      if (unsafe) {
        const [en, zh] = unsafe.split(' / ');
        problem(c, { zh: zh ?? en, en });
        return '';
      }
      return v;
    };
    const certificateNo = cell('certificate_no');
    const name = cell('name');
    const departmentCode = cell('department_code');
    const domains = [
      ...new Set(
        cell('domains')
          .split(/[;；、]/)
          .map((d) => d.trim())
          .filter(Boolean),
      ),
    ];
    const regionCode = cell('region_code');
    const activeText = cell('active').toLowerCase();
    const phone = cell('phone');

    if (!/^\S{4,40}$/.test(certificateNo))
      problem('certificate_no', {
        zh: '执法证号应为4至40个字符，不含空格',
        en: 'the certificate number must be 4–40 characters without spaces',
      });
    else if (seen.has(certificateNo))
      problem('certificate_no', {
        zh: `执法证号 ${certificateNo} 与第 ${seen.get(certificateNo)} 行重复`,
        en: `certificate number ${certificateNo} is on row ${seen.get(certificateNo)} already`,
      });
    else seen.set(certificateNo, row);
    if (!name) problem('name', { zh: '姓名必填', en: 'the name is required' });
    else if ([...name].length > 100)
      problem('name', { zh: '姓名最多100个字符', en: 'the name is over 100 characters' });
    const dept = ctx.departments.get(departmentCode);
    if (!dept)
      problem('department_code', {
        zh: `部门“${departmentCode}”不存在`,
        en: `no department '${departmentCode}'`,
      });
    else if (departmentCode !== ctx.actsFor)
      problem('department_code', {
        zh: `只能导入本部门（${ctx.actsFor}）的执法人员`,
        en: `you import only your own department's inspectors (${ctx.actsFor})`,
      });
    if (dept) {
      for (const p of domainProblems(dept, domains, 'domains')) problem(p.column, p.reason);
      for (const p of regionProblems(dept, regionCode, 'region_code')) problem(p.column, p.reason);
    }
    const active = ACTIVE.get(activeText);
    if (active === undefined)
      problem('active', {
        zh: `在岗状态“${activeText}”无效（是/否、true/false、1/0）`,
        en: `active '${activeText}' is not a yes or no (true/false, 1/0, 是/否)`,
      });
    if (phone && !PHONE.test(phone))
      problem('phone', {
        zh: '电话号码格式无效（数字、空格、+、-、括号，5至20个字符）',
        en: 'the phone must be 5–20 digits, spaces, +, -, ( )',
      });
    if (problems.length === before)
      rows.push({
        row,
        certificateNo,
        name,
        departmentCode,
        domains,
        regionCode,
        active: active!,
        phone: phone || null,
      });
  });
  return { rows, problems };
}
