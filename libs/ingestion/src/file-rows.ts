import { copyLine, pgTextArray, textProblem } from '@lianjian/common';
import { validateRecord, type CanonicalRecord } from '@lianjian/domain';
import { compileProfile, mapRow, type CompiledProfile } from './files/row-mapping';
import type { RowEvent } from './files/read-model';
import type { SourceProfile } from './files/source-profile.schema';
import { toStagedItem } from './ingest-batch';
import { authorityProblems, profileBinding } from './send-policy';

// The CPU-heavy middle of file ingestion, free of I/O so that it can run in worker threads: read rows
// in, COPY text for the batch's `file_row` table out. Each row is mapped by the source profile,
// validated as a canonical record and hashed; a row that cannot be read, mapped or validated becomes
// a refused row with its reasons, never a dropped one.

// Column order of the COPY text; FileBatchRepository.apply creates `file_row` with these columns.
export const FILE_ROW_COLUMNS = [
  'seq',
  'row_number',
  'output',
  'raw',
  'reasons',
  'source_record_id',
  'kind',
  'entity_uscc',
  'entity_scheme',
  'entity_ext_id',
  'department_code',
  'occurred_at',
  'data',
  'content_hash',
] as const;

// seq orders the staged rows as the file does: row number × this + the output's index in the row, so
// chunks serialized in parallel need no shared counter. Profiles may declare at most this many outputs.
export const SEQ_PER_ROW = 64;

export interface FileRowChunk {
  text: string; // whole COPY lines
  rows: number; // lines in text
}

export interface RowSerializerOptions {
  profile: SourceProfile;
  today: string; // YYYY-MM-DD, Asia/Shanghai
  departmentCodes: readonly string[];
}

export type RowSerializer = (events: readonly RowEvent[]) => FileRowChunk;

export function createRowSerializer(opts: RowSerializerOptions, compiled?: CompiledProfile): RowSerializer {
  const profile = compiled ?? compileProfile(opts.profile);
  const known = new Set(opts.departmentCodes);
  const ctx = { today: opts.today, departmentExists: (code: string) => known.has(code) };
  // Each row's department must be the profile's or on its allow-list; registration rows need a
  // registration authority (send-policy).
  const binding = profileBinding(opts.profile);
  return (events) => {
    let text = '';
    let rows = 0;
    for (const ev of events) {
      const base = ev.rowNumber * SEQ_PER_ROW;
      if (ev.error || !ev.values) {
        text += refusedLine(base, ev, null, null, [ev.error ?? 'the row could not be read']);
        rows++;
        continue;
      }
      // The whole event: NDJSON keeps its JSON types and XLSX its formula cells there.
      const mapped = mapRow(profile, ev);
      for (let k = 0; k < mapped.length; k++) {
        const m = mapped[k];
        rows++;
        const sid =
          typeof m.record?.sourceRecordId === 'string' ? m.record.sourceRecordId : (m.sourceRecordId ?? null);
        if (!m.record || m.reasons?.length) {
          text += refusedLine(base + k, ev, m.output, sid, m.reasons?.length ? m.reasons : ['not mapped']);
          continue;
        }
        const v = validateRecord(m.record, ctx);
        const refused = v.ok ? authorityProblems(binding, v.record) : v.reasons;
        if (!v.ok || refused.length) {
          text += refusedLine(base + k, ev, m.output, sid, refused);
          continue;
        }
        const it = toStagedItem(ev.rowNumber, v.record as CanonicalRecord, v.occurredOn);
        text += copyLine([
          base + k,
          ev.rowNumber,
          m.output,
          ev.raw,
          null,
          it.sourceRecordId,
          it.kind,
          it.uscc,
          it.scheme,
          it.externalId,
          it.departmentCode,
          it.occurredOn,
          JSON.stringify(it.data),
          it.contentHash,
        ]);
      }
    }
    return { text, rows };
  };
}

function refusedLine(
  seq: number,
  ev: RowEvent,
  output: string | null,
  sourceRecordId: string | null,
  reasons: readonly string[],
): string {
  return copyLine([
    seq,
    ev.rowNumber,
    output,
    ev.raw,
    pgTextArray(reasons),
    // An id no record may carry (NUL, 100 kB…) identifies nothing: the row number does.
    sourceRecordId !== null && textProblem(sourceRecordId, 200) ? null : sourceRecordId,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
  ]);
}
