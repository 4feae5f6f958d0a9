import { randomUUID } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { makeUscc } from '@lianjian/reference';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Files made to exhaust the machine (issue 13, finding 10) through POST /api/v1/sources/{source}/files
// and a real worker: the upload is stored (202), then the batch fails with a file error naming the
// limit in zh-CN and English, and nothing of the file is applied.
const U1 = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' });
const HEADER = 'sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger';
const row = (id: string, matter = '食品经营') =>
  [id, U1, '330106-SAMR', '2025-05-10', 'pass', matter, '0', '0', '1', 'random'].join(',');

// One deflated part in a ZIP (sizes and offsets only: the reader checks no CRC).
function zipOf(name: string, data: Buffer): Buffer {
  const body = deflateRawSync(data);
  const n = Buffer.from(name);
  const loc = Buffer.alloc(30);
  loc.writeUInt32LE(0x04034b50, 0);
  loc.writeUInt16LE(8, 8);
  loc.writeUInt32LE(body.length, 18);
  loc.writeUInt32LE(data.length, 22);
  loc.writeUInt16LE(n.length, 26);
  const cen = Buffer.alloc(46);
  cen.writeUInt32LE(0x02014b50, 0);
  cen.writeUInt16LE(8, 10);
  cen.writeUInt32LE(body.length, 20);
  cen.writeUInt32LE(data.length, 24);
  cen.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + body.length, 16);
  return Buffer.concat([loc, n, body, cen, n, end]);
}

describe('file ingestion: files that would exhaust the machine', () => {
  let stack: Stack;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: { admin: 'admin' },
      env: {
        MAX_UPLOAD_MB: '12',
        INGEST_MAX_ROW_MB: '1',
        FILE_STORE_DIR: `/tmp/lianjian-test-files-${randomUUID()}`,
      },
    });
    admin = stack.users.admin;
  });

  afterAll(() => stack?.close());

  async function ingest(source: string, content: Buffer, name: string) {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    const res = await fetch(`${stack.url}/api/v1/sources/${source}/files`, {
      method: 'POST',
      headers: { authorization: admin.headers.authorization },
      body: form,
    });
    expect(res.status).toBe(202);
    const { batchId } = await json(res);
    return eventually(async () => {
      const b = await json(await fetch(`${stack.url}/api/v1/batches/${batchId}`, { headers: admin.headers }));
      return b.status === 'done' || b.status === 'failed' ? b : undefined;
    });
  }

  it('refuses a zip bomb sent as an XLSX, naming the limit', async () => {
    const bomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(32 * 1024 * 1024, 'x'));
    const b = await ingest('samr-xlsx-penalties', bomb, 'ledger.xlsx');
    expect(b).toMatchObject({
      status: 'failed',
      rowsRead: 0,
      fileError: {
        code: 'archive_too_large',
        message: {
          en: expect.stringMatching(/zip bomb.*INGEST_XLSX_MAX_RATIO/),
          zh: expect.stringMatching(/压缩炸弹.*INGEST_XLSX_MAX_RATIO/),
        },
      },
    });
  });

  it('refuses a CSV at a row over INGEST_MAX_ROW_MB, applying none of its rows', async () => {
    const file = [
      HEADER,
      row('H-1'),
      row('H-2'),
      row('H-huge', 'x'.repeat(2 * 1024 * 1024)),
      row('H-3'),
    ].join('\n');
    const b = await ingest('lianjian-canonical-inspections', Buffer.from(file + '\n'), 'feed.csv');
    expect(b).toMatchObject({
      status: 'failed',
      fileError: {
        code: 'row_too_large',
        message: {
          en: expect.stringMatching(/^line 4 is .*INGEST_MAX_ROW_MB/),
          zh: expect.stringMatching(/^第 4 行/),
        },
      },
    });
    const stored = await sql(
      stack.db.url,
      `SELECT 1 FROM record WHERE source = 'lianjian-canonical-inspections' AND source_record_id LIKE 'H-%'`,
    );
    expect(stored).toEqual([]);
  });
});
