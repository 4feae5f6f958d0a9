import { randomUUID } from 'node:crypto';
import { makeUscc } from '@lianjian/reference';
import { eventually, json, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { HOSTILE_TEXT } from './corpus';

// The corpus through the file path (POST /api/v1/sources/{source}/files → libs/ingestion on a real
// worker): a hostile cell (CSV, XLSX) or line (NDJSON) gives that row a reason, never a failed batch
// or a 500; the clean rows and the odd-but-legal ones are applied, and the refused rows can be read
// back (JSON and CSV) with what they held.
const U1 = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' });
const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;

describe('hostile input: file rows', () => {
  let stack: Stack;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: { admin: 'admin' },
      env: { FILE_STORE_DIR: `/tmp/lianjian-test-files-${randomUUID()}` },
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
    const batch = await eventually(async () => {
      const b = await json(await fetch(`${stack.url}/api/v1/batches/${batchId}`, { headers: admin.headers }));
      return b.status === 'done' || b.status === 'failed' ? b : undefined;
    }, 60000);
    const rejections = await fetch(`${stack.url}/api/v1/batches/${batchId}/rejections?format=json`, {
      headers: admin.headers,
    });
    expect(rejections.status).toBe(200);
    const csv = await fetch(`${stack.url}/api/v1/batches/${batchId}/rejections?format=csv`, {
      headers: admin.headers,
    });
    expect(csv.status).toBe(200);
    await csv.text();
    const refused = await json(rejections);
    return {
      batch,
      refused: (refused.items ?? refused.rejections ?? refused) as { rowNumber: number; reasons: string[] }[],
    };
  }

  const refusedText = HOSTILE_TEXT.filter((t) => t.refused);
  const oddText = HOSTILE_TEXT.filter((t) => !t.refused);

  it('CSV: a hostile cell refuses its row with a reason; the batch is applied', async () => {
    const header = 'sourceRecordId,uscc,departmentCode,occurredAt,result,matter';
    const row = (id: string, matter: string) =>
      [id, U1, '330106-SAMR', '2025-05-10', 'pass', matter].map(csvCell).join(',');
    const values = [...refusedText, ...oddText];
    const lines = [
      header,
      row('C-CLEAN', '食品经营'),
      ...values.map((t, i) => row(`C-${i}`, t.value)),
      row('C-ID\u0000', '食品经营'), // NUL in the id itself
      row('监'.repeat(100_000), '食品经营'),
    ];
    // Lone surrogates cannot be written as UTF-8: what a broken exporter writes is their CESU bytes.
    const file = Buffer.concat([
      Buffer.from(lines.join('\n') + '\n'),
      Buffer.from(`${['C-CESU', U1, '330106-SAMR', '2025-05-10', 'pass'].map(csvCell).join(',')},"`),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"\n'),
    ]);
    const { batch, refused } = await ingest('lianjian-canonical-inspections', file, 'inspections.csv');
    expect(batch).toMatchObject({ status: 'done', fileError: null });
    // The clean row and every odd-but-legal one are applied.
    expect(batch.inserted).toBe(1 + oddText.length);
    // Every hostile value, the NUL id, the 100 kB id and the undecodable bytes are refused, each with
    // its reason (the text ones in zh-CN and English).
    expect(batch.rejected).toBe(refusedText.length + 3);
    expect(refused).toHaveLength(refusedText.length + 3);
    for (const r of refused) expect(r.reasons.length).toBeGreaterThan(0);
    expect(refused.find((r) => r.rowNumber === 3)?.reasons).toEqual([
      'inspection.matter: contains a NUL character (U+0000) / 含有空字符（U+0000）',
    ]);
  });

  it('NDJSON: hostile lines and hostile text refuse their line with a reason; the batch is applied', async () => {
    const rec = (id: string, matter: string) =>
      JSON.stringify({
        sourceRecordId: id,
        kind: 'inspection',
        entity: { uscc: U1 },
        departmentCode: '330106-SAMR',
        occurredAt: '2025-05-10',
        inspection: { result: 'pass', matter },
      });
    const clean = rec('N-CLEAN', '食品经营');
    const lines = [
      clean,
      ...refusedText.map((t, i) => rec(`N-${i}`, t.value)),
      ...oddText.map((t, i) => rec(`N-ODD-${i}`, t.value)),
      `{"__proto__":{"polluted":"yes"},${rec('N-PROTO', 'x').slice(1)}`,
      `${rec('N-DUP', 'x').slice(0, -1)},"sourceRecordId":"N-DUP-2"}`,
      `${rec('N-BIG', 'x').slice(0, -1)},"n":9007199254740993}`,
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
    ];
    const { batch, refused } = await ingest(
      'lianjian-canonical-ndjson',
      Buffer.from(lines.join('\n') + '\n'),
      'records.ndjson',
    );
    expect(batch.status).toBe('done');
    expect(batch.inserted).toBe(1 + oddText.length);
    expect(batch.rejected).toBe(refusedText.length + 4);
    expect(refused.map((r) => r.reasons.join(' ')).slice(-4)).toEqual([
      expect.stringMatching(/"__proto__" is not accepted/),
      expect.stringMatching(/"sourceRecordId" appears twice/),
      expect.stringMatching(/9007199254740993 is beyond/),
      expect.stringMatching(/nested deeper than 32/),
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('XLSX: a hostile cell refuses its row with a reason; the batch is applied', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('处罚台账');
    ws.addRow(['决定书文号', '统一社会信用代码', '处罚决定日期', '处罚种类', '处罚依据', '处罚机关代码']);
    const row = (no: string, basis: string) =>
      ws.addRow([no, U1, '2025-06-01', '警告', basis, '330106-SAMR']);
    row('杭西市监罚〔2025〕1号', '《食品安全法》第一百二十四条');
    // XML 1.0 cannot hold NUL or most C0 controls (exceljs writes what it is given); the other
    // hostile values, an RTL override in a decision number included.
    const xmlSafe = refusedText.filter(
      // eslint-disable-next-line no-control-regex
      (t) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF]/.test(t.value),
    );
    xmlSafe.forEach((t, i) => row(`杭西市监罚〔2025〕${100 + i}号`, t.value));
    row('杭西\u202E市监罚〔2025〕9号', '依法');
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const { batch, refused } = await ingest('samr-xlsx-penalties', file, 'ledger.xlsx');
    expect(batch).toMatchObject({ status: 'done', fileError: null, inserted: 1 });
    expect(batch.rejected).toBe(xmlSafe.length + 1);
    expect(refused).toHaveLength(xmlSafe.length + 1);
  });
});
