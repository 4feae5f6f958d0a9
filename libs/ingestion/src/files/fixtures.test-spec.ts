// Helpers for the specs of this folder (not a spec itself; excluded from the build like specs).
import { readRows } from './row-reader';
import { createFileReadInfo } from './read-model';
import type { FileReadInfo, RowEvent } from './read-model';
import { loadSourceProfile } from './source-profile.schema';
import type { SourceProfile } from './source-profile.schema';

export function profileJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'test-feed',
    version: 1,
    description: { zh: '测试数据源', en: 'test feed' },
    departmentCode: '330106-SAMR',
    format: 'csv',
    columns: { required: ['ID', 'USCC', 'Date', 'Result'] },
    outputs: [
      {
        name: 'inspection',
        kind: 'inspection',
        sourceRecordId: 'INS-{ID}',
        entity: { uscc: '{USCC}' },
        occurredAt: { column: 'Date', formats: ['YYYY-MM-DD'] },
        fields: { result: { column: 'Result', map: { 合格: 'pass', 不合格: 'fail' } } },
      },
    ],
    ...over,
  };
}

export function testProfile(over: Record<string, unknown> = {}): SourceProfile {
  return loadSourceProfile(profileJson(over));
}

// The buffer in chunks of `size` bytes, to put record and character boundaries across chunks.
export async function* chunked(buf: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export async function readAll(
  input: Buffer | AsyncIterable<Buffer>,
  profile: SourceProfile,
): Promise<{ rows: RowEvent[]; info: FileReadInfo }> {
  const info = createFileReadInfo(profile);
  const rows: RowEvent[] = [];
  const source = Buffer.isBuffer(input) ? chunked(input, 64 * 1024) : input;
  for await (const ev of readRows(source, profile, info)) rows.push(ev);
  return { rows, info };
}

export async function refusalOf(input: Buffer, profile: SourceProfile): Promise<unknown> {
  try {
    await readAll(input, profile);
  } catch (e) {
    return e;
  }
  throw new Error('expected the file to be refused');
}
