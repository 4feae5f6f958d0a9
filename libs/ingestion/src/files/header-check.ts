import { FileRefusedError } from './file-errors';
import type { FileNotice, FileRefusalCode } from './file-errors';
import { profileColumns } from './source-profile.schema';
import type { SourceProfile } from './source-profile.schema';

// The header is where a wrong file shows: missing or unexpected columns, the same name twice, a header that
// is one long column because the delimiter is wrong, mojibake from the wrong encoding.

const short = (names: readonly string[], max = 20): string =>
  names.length > max ? `${names.slice(0, max).join(', ')}, … (${names.length} in all)` : names.join(', ');

export interface HeaderCheckContext {
  notices: readonly FileNotice[];
  where: string; // e.g. 'line 1', 'row 3 of sheet 1'
}

// Refuses the file (FileRefusedError) when the header does not fit the profile. `names` are the trimmed
// header cells; empty names (unnamed columns) are allowed and their cells are ignored.
export function checkHeader(names: readonly string[], profile: SourceProfile, ctx: HeaderCheckContext): void {
  const problems: { code: FileRefusalCode; en: string; zh: string }[] = [];
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const n of names) {
    if (n === '') continue;
    if (seen.has(n)) dups.add(n);
    seen.add(n);
  }
  if (dups.size)
    problems.push({
      code: 'duplicate_columns',
      en: `the header names a column more than once: ${short([...dups])}`,
      zh: `表头列名重复：${short([...dups])}`,
    });

  const cols = profileColumns(profile);
  const missing = cols.required.filter((c) => !seen.has(c));
  if (missing.length)
    problems.push({
      code: 'missing_columns',
      en: `the file lacks required column(s): ${short(missing)}`,
      zh: `文件缺少必需的列：${short(missing)}`,
    });

  if (!profile.columns.allowUnknown) {
    const known = new Set(cols.known);
    const unknown = [...seen].filter((c) => !known.has(c));
    if (unknown.length)
      problems.push({
        code: 'unknown_columns',
        en: `the file has column(s) the profile does not know: ${short(unknown)}`,
        zh: `文件含有数据源配置未定义的列：${short(unknown)}`,
      });
  }
  if (!problems.length) return;

  const details = problems.map((p) => p.en);
  details.push(
    `header (${ctx.where}): ${short(
      names.map((n) => n || '(empty)'),
      40,
    )}`,
  );
  if (missing.length && profile.format === 'csv' && names.length === 1) {
    const other = [',', ';', '\t', '|'].find((d) => d !== profile.csv.delimiter && names[0].includes(d));
    if (other)
      details.push(
        `the header is a single column containing ${JSON.stringify(other)}: is the delimiter wrong? (profile: ${JSON.stringify(profile.csv.delimiter)})`,
      );
  }
  const enc = ctx.notices.find((n) => n.code === 'probably_gbk' || n.code === 'not_utf8');
  if (enc) details.push(enc.text.en);
  throw new FileRefusedError(
    problems[0].code,
    {
      en: `File refused: ${problems.map((p) => p.en).join('; ')}`,
      zh: `文件被拒收：${problems.map((p) => p.zh).join('；')}`,
    },
    details,
  );
}
