import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { makeUscc } from '@lianjian/reference';
import {
  eventually,
  json,
  sql,
  startStack,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Departmental files through POST /api/v1/sources/{source}/files and a real worker: every kind of bad
// input gets a clear file-level error or per-row refusals, nothing valid is lost, nothing invalid is
// stored, and the process stays up.
const SOURCE = 'lianjian-canonical-inspections';
const HEADER = 'sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger';
const U1 = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' });
const U2 = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA27U0QX' });
const row = (
  id: string,
  over: Partial<Record<'uscc' | 'dept' | 'date' | 'result' | 'matter' | 'critical', string>> = {},
) =>
  [
    id,
    over.uscc ?? U1,
    over.dept ?? '330106-SAMR',
    over.date ?? '2025-05-10',
    over.result ?? 'pass',
    over.matter ?? '食品经营',
    over.critical ?? '0',
    '0',
    '1',
    'random',
  ].join(',');

describe('file ingestion: bad input', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  let port: number;
  let admin: TestUser;
  // Multipart bodies carry their own content-type: only the credentials are added.
  const auth = () => ({ authorization: admin.headers.authorization });

  beforeAll(async () => {
    // A file store of the stack's own.
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: { admin: 'admin' },
      env: { MAX_UPLOAD_MB: '12', FILE_STORE_DIR: `/tmp/lianjian-test-files-${randomUUID()}` },
    });
    db = stack.db;
    admin = stack.users.admin;
    base = stack.url;
    port = Number(new URL(base).port);
  });

  afterAll(() => stack?.close());

  async function upload(content: string | Buffer, name = 'feed.csv', source = SOURCE) {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    return fetch(`${base}/api/v1/sources/${source}/files`, { method: 'POST', headers: auth(), body: form });
  }

  async function ingest(content: string | Buffer) {
    const res = await upload(content);
    expect(res.status).toBe(202);
    const { batchId } = await json(res);
    return eventually(async () => {
      const b = await json(await fetch(`${base}/api/v1/batches/${batchId}`, { headers: admin.headers }));
      return b.status === 'done' || b.status === 'failed' ? b : undefined;
    });
  }

  const stored = async (ids: string[]) =>
    (
      await sql<{ source_record_id: string }>(
        db.url,
        `SELECT source_record_id FROM record WHERE source = $1 AND source_record_id = ANY($2) ORDER BY 1`,
        [SOURCE, ids],
      )
    ).map((r) => r.source_record_id);

  it('ingests a good file and reports its counts; the same file again changes nothing', async () => {
    const file =
      [HEADER, row('G-1'), row('G-2', { uscc: U2, result: 'fail', critical: '2' })].join('\n') + '\n';
    const b = await ingest(file);
    expect(b).toMatchObject({ status: 'done', rowsRead: 2, accepted: 2, inserted: 2, rejected: 0 });
    const again = await upload(file);
    expect(again.status).toBe(202);
    expect(await json(again)).toMatchObject({ batchId: b.batchId, duplicate: true });
  });

  it('refuses an empty file with a clear error', async () => {
    const res = await upload('');
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/empty/);
  });

  it('accepts a header-only file as zero rows', async () => {
    const b = await ingest(HEADER + '\n');
    expect(b).toMatchObject({ status: 'done', rowsRead: 0, accepted: 0, rejected: 0 });
  });

  it('refuses a file with a missing or unknown column, naming it', async () => {
    const missing = await ingest('sourceRecordId,uscc,occurredAt,result\nM-1,' + U1 + ',2025-01-01,pass\n');
    expect(missing.status).toBe('failed');
    expect(JSON.stringify(missing.fileError)).toMatch(/departmentCode/);
    const unknown = await ingest(HEADER + ',colour\n' + row('X-1') + ',red\n');
    expect(unknown.status).toBe('failed');
    expect(JSON.stringify(unknown.fileError)).toMatch(/colour/);
    expect(await stored(['M-1', 'X-1'])).toEqual([]);
  });

  it('refuses bad rows one by one with row numbers and keeps the good ones', async () => {
    const lines = [
      HEADER,
      row('R-ok-1'),
      row('R-uscc', { uscc: '91330106MA2CXB7KXA' }),
      row('R-date', { date: '2025-02-30' }),
      row('R-future', { date: '2999-01-01' }),
      row('R-neg', { critical: '-1' }),
      row('R-nan', { critical: 'abc' }),
      row('R-formula', { matter: "=cmd|' /C calc'!A0" }),
      row('R-result', { result: 'excellent' }),
      row('R-ok-2'),
    ];
    const b = await ingest(lines.join('\r\n') + '\r\n');
    expect(b).toMatchObject({ status: 'done', rowsRead: 9, accepted: 2, inserted: 2, rejected: 7 });
    const byRow = Object.fromEntries(
      b.rejections.map((r: { rowNumber: number; reasons: string[] }) => [r.rowNumber, r.reasons.join(' | ')]),
    );
    expect(Object.keys(byRow).map(Number)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(byRow[3]).toMatch(/uscc/i);
    expect(byRow[4]).toMatch(/2025-02-30/);
    expect(byRow[5]).toMatch(/future/);
    expect(byRow[6]).toMatch(/critical/);
    expect(byRow[7]).toMatch(/critical/);
    expect(byRow[8]).toMatch(/formula/i);
    expect(byRow[9]).toMatch(/result/);
    expect(
      await stored([
        'R-ok-1',
        'R-ok-2',
        'R-uscc',
        'R-date',
        'R-future',
        'R-neg',
        'R-nan',
        'R-formula',
        'R-result',
      ]),
    ).toEqual(['R-ok-1', 'R-ok-2']);
    // The raw rows are kept and can be downloaded for correction, formula cells defused.
    const csv = await (
      await fetch(`${base}/api/v1/batches/${b.batchId}/rejections?format=csv`, { headers: admin.headers })
    ).text();
    const { parse } = await import('csv-parse/sync');
    const cells: string[][] = parse(csv.replace(/^\ufeff/, ''));
    expect(cells.flat().some((c) => c.includes('R-uscc'))).toBe(true);
    expect(cells.flat().filter((c) => /^[=+@]/.test(c))).toEqual([]);

    // A corrected re-upload clears the refusals it fixes.
    const fixed = await ingest(
      [HEADER, row('R-uscc'), row('R-date', { date: '2025-02-28' })].join('\n') + '\n',
    );
    expect(fixed).toMatchObject({ status: 'done', inserted: 2 });
    const after = await json(
      await fetch(`${base}/api/v1/batches/${b.batchId}/rejections`, { headers: admin.headers }),
    );
    const resolved = after.items
      .filter((r: { resolvedAt: string | null }) => r.resolvedAt)
      .map((r: { sourceRecordId: string }) => r.sourceRecordId);
    expect(resolved.sort()).toEqual(['R-date', 'R-uscc']);
  });

  it('handles mixed line endings and quoted fields', async () => {
    const file = `${HEADER}\r\n${row('L-1')}\n${row('L-2', { matter: '"食品, ""餐饮""\n经营"' })}\r${row('L-3')}\n`;
    const b = await ingest(file);
    expect(b).toMatchObject({ status: 'done', rowsRead: 3, accepted: 3, rejected: 0 });
    const [r] = await sql<{ matter: string }>(
      db.url,
      `SELECT data->>'matter' AS matter FROM record WHERE source_record_id = 'L-2'`,
    );
    expect(r.matter).toBe('食品, "餐饮"\n经营');
  });

  it('counts an identical repeated row once and refuses a conflicting one', async () => {
    const b = await ingest(
      [HEADER, row('D-1'), row('D-1'), row('D-2'), row('D-2', { result: 'fail' })].join('\n') + '\n',
    );
    expect(b).toMatchObject({ status: 'done', rowsRead: 4, inserted: 2, duplicates: 1, rejected: 1 });
    expect(b.rejections[0].rowNumber).toBe(5);
    expect(b.rejections[0].reasons[0]).toMatch(/also at row 4/);
  });

  it('refuses the unreadable rest of a file ending inside a quoted field, keeping complete rows', async () => {
    const b = await ingest(
      `${HEADER}\n${row('Q-1')}\n${row('Q-2')}\nQ-3,${U1},330106-SAMR,2025-05-10,pass,"unterminated,0,0,1,random\n`,
    );
    expect(b.status).toBe('done');
    expect(await stored(['Q-1', 'Q-2', 'Q-3'])).toEqual(['Q-1', 'Q-2']);
    expect(b.rejections.map((r: { reasons: string[] }) => r.reasons.join(' '))).toEqual([
      expect.stringMatching(/quote/i),
    ]);
  });

  it('refuses a 10 MB line as one row and goes on', async () => {
    const b = await ingest(
      `${HEADER}\n${row('B-1')}\n${row('B-huge', { matter: 'x'.repeat(10 * 1024 * 1024) })}\n${row('B-2')}\n`,
    );
    expect(b.status).toBe('done');
    expect(await stored(['B-1', 'B-2', 'B-huge'])).toEqual(['B-1', 'B-2']);
    expect(b.rejected).toBe(1);
  });

  it('refuses rows that are not in the declared encoding (a GBK file declared UTF-8)', async () => {
    const iconv = await import('iconv-lite');
    const gbk = iconv.encode([HEADER, row('E-1', { matter: '餐饮服务' })].join('\n') + '\n', 'gbk');
    const b = await ingest(gbk);
    expect(await stored(['E-1'])).toEqual([]);
    expect(JSON.stringify(b.fileError ?? b.rejections)).toMatch(/GBK|encoding|UTF-8/i);
  });

  it('answers 413 to a file over the size limit and stores no batch', async () => {
    const before = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ingest_batch`);
    const res = await upload(Buffer.alloc(13 * 1024 * 1024, 'a'));
    expect(res.status).toBe(413);
    const afterCount = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ingest_batch`);
    expect(afterCount[0].n).toBe(before[0].n);
  });

  it('stores nothing for a truncated upload and stays up', async () => {
    const before = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ingest_batch`);
    await new Promise<void>((resolve) => {
      const boundary = 'xBOUNDARYx';
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/sources/${SOURCE}/files`,
        headers: {
          ...auth(),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': '100000',
        },
      });
      req.on('error', () => resolve());
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n\r\n${HEADER}\n${row('T-1')}\n`,
      );
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await new Promise((r) => setTimeout(r, 300));
    const afterCount = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ingest_batch`);
    expect(afterCount[0].n).toBe(before[0].n);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('reads an Excel ledger with Chinese headers: 万元 scaled to CNY, penalty names mapped, formulas refused', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('处罚台账');
    ws.addRow([
      '决定书文号',
      '统一社会信用代码',
      '处罚决定日期',
      '处罚种类',
      '罚没金额（万元）',
      '处罚依据',
      '处罚机关代码',
    ]);
    ws.addRow([
      '杭西市监罚〔2025〕101号',
      U1,
      new Date(Date.UTC(2025, 5, 1)),
      '警告、罚款、没收违法所得、没收非法财物',
      1.5,
      '《食品安全法》第一百二十四条',
      '330106-SAMR',
    ]);
    ws.addRow([
      '杭西市监罚〔2025〕102号',
      '91330106MA2CXB7KXA',
      '2025年6月2日',
      '罚款',
      2,
      '',
      '330106-SAMR',
    ]);
    ws.addRow([
      '杭西市监罚〔2025〕103号',
      U2,
      '2025/06/03',
      '罚款',
      { formula: '1+1', result: 2 },
      '',
      '330106-SAMR',
    ]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const form = new FormData();
    form.append('file', new Blob([file]), 'ledger.xlsx');
    const res = await fetch(`${base}/api/v1/sources/samr-xlsx-penalties/files`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    expect(res.status).toBe(202);
    const { batchId } = await json(res);
    const b = await eventually(async () => {
      const r = await json(await fetch(`${base}/api/v1/batches/${batchId}`, { headers: admin.headers }));
      return r.status === 'done' || r.status === 'failed' ? r : undefined;
    });
    expect(b).toMatchObject({ status: 'done', rowsRead: 3, inserted: 1, rejected: 2 });
    expect(b.rejections.map((r: { rowNumber: number }) => r.rowNumber)).toEqual([3, 4]);
    expect(b.rejections[0].reasons.join(' ')).toMatch(/uscc/i);
    expect(b.rejections[1].reasons.join(' ')).toMatch(/formula/i);
    const [p] = await sql<{ data: { penaltyTypes: string[]; fineAmount: number }; occurred_at: string }>(
      db.url,
      `SELECT data, to_char(occurred_at, 'YYYY-MM-DD') AS occurred_at FROM record WHERE source = 'samr-xlsx-penalties'`,
    );
    expect(p.occurred_at).toBe('2025-06-01');
    expect(p.data.fineAmount).toBe(15000);
    expect(p.data.penaltyTypes).toEqual(['warning', 'fine', 'confiscation']);
  });

  it('takes canonical records as NDJSON, refusing bad lines by line number', async () => {
    const lines = [
      JSON.stringify({
        sourceRecordId: 'N-1',
        kind: 'complaint',
        entity: { uscc: U1 },
        departmentCode: '330106-SAMR',
        occurredAt: '2025-03-01',
        complaint: { category: '食品安全', verified: true },
      }),
      '{"sourceRecordId": "N-2", "kind": ',
      JSON.stringify({
        sourceRecordId: 'N-3',
        kind: 'audit',
        entity: { uscc: U1 },
        departmentCode: '330106-SAMR',
        occurredAt: '2025-03-01',
      }),
    ];
    const form = new FormData();
    form.append('file', new Blob([lines.join('\n') + '\n']), 'records.ndjson');
    const res = await fetch(`${base}/api/v1/sources/lianjian-canonical-ndjson/files`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    const { batchId } = await json(res);
    const b = await eventually(async () => {
      const r = await json(await fetch(`${base}/api/v1/batches/${batchId}`, { headers: admin.headers }));
      return r.status === 'done' || r.status === 'failed' ? r : undefined;
    });
    expect(b).toMatchObject({ status: 'done', inserted: 1, rejected: 2 });
    expect(b.rejections.map((r: { rowNumber: number }) => r.rowNumber)).toEqual([2, 3]);
    expect(b.rejections[1].reasons.join(' ')).toMatch(/kind/);
  });

  it('answers 404 for an unknown source', async () => {
    const res = await upload(HEADER + '\n', 'x.csv', 'no-such-feed');
    expect(res.status).toBe(404);
  });
});
