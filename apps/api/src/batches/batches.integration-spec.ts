import { Writable } from 'node:stream';
import { BatchRepository } from '@lianjian/database';
import {
  createTestApiKey,
  json,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
} from '@lianjian/testing';
import type { Principal } from '@lianjian/access';
import { RECORD_KIND_SPECS } from '@lianjian/domain';
import { apiApp } from '../bootstrap';
import { BatchesService } from './batches.service';
import { sendRejections } from './rejections-response';
import { batchListResponse, batchReportResponse, rejectionsPageResponse } from './dto/batch.dto';
import { sourceListResponse } from '../sources/dto/source.dto';

// Batches and their refused rows (issue 13, finding 8): scoped to the source's department (officers,
// API keys) or to the jurisdiction of that department's region (staff), a batch outside the scope
// answering 404 like a missing one; raw rows masked without personal-data:read; the refused rows
// paged (JSON) and streamed (downloads) from the database a page at a time.
const ID_NUMBER = '330106199001011234';
const PHONE = '13812345678';

describe('batches: scope, masking, paging and streaming of refused rows', () => {
  let stack: Stack<
    'admin' | 'xihuStaff' | 'shangchengStaff' | 'cityStaff' | 'samrOfficer' | 'taxOfficer' | 'coordinator'
  >;
  let base: string;
  let xihuBatch: string;
  let shangchengBatch: string;
  const key = {} as Record<'samr' | 'tax', Record<string, string>>;

  // A refused record (its USCC is invalid) carrying a legal representative's ID number and phone.
  const refused = (n: number) =>
    registrationRecord('91330106MA2XXXXXXX', {
      sourceRecordId: `BAD-${n}`,
      registration: {
        ...RECORD_KIND_SPECS.registration.example,
        legalRepresentative: { name: '张小三', idNumber: ID_NUMBER, phone: PHONE },
      },
    });

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        admin: 'admin',
        xihuStaff: { role: 'supervision_staff', regionCode: '330106' },
        shangchengStaff: { role: 'supervision_staff', regionCode: '330102' },
        cityStaff: { role: 'supervision_staff', regionCode: '330100' },
        samrOfficer: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        taxOfficer: { role: 'department_officer', departmentCode: '330106-TAX', regionCode: '330106' },
        coordinator: { role: 'coordinator', regionCode: '330106' },
      },
    });
    base = `${stack.url}/api/v1`;
    key.samr = (
      await createTestApiKey(stack.db.url, { departmentCode: '330106-SAMR', sources: ['samr-xihu'] })
    ).headers;
    key.tax = (
      await createTestApiKey(stack.db.url, { departmentCode: '330106-TAX', sources: ['tax-xihu'] })
    ).headers;
    const send = async (headers: Record<string, string>, source: string, records: unknown[]) => {
      const res = await fetch(`${base}/records`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ source, records }),
      });
      expect(res.status).toBe(202);
      return (await json(res)).batchId as string;
    };
    xihuBatch = await send(stack.users.samrOfficer.headers, 'samr-xihu', [
      registrationRecord(USCC_A),
      refused(1),
      refused(2),
      refused(3),
      refused(4),
      refused(5),
    ]);
    shangchengBatch = await send(stack.users.admin.headers, 'samr-shangcheng', [
      registrationRecord(USCC_A, { departmentCode: '330102-SAMR', sourceRecordId: 'SC-1' }),
      refused(1),
    ]);
  });

  afterAll(() => stack?.close());

  const get = (headers: Record<string, string>, path: string) => fetch(`${base}${path}`, { headers });
  const statuses = async (headers: Record<string, string>, id: string) => [
    (await get(headers, `/batches/${id}`)).status,
    (await get(headers, `/batches/${id}/rejections`)).status,
    (await get(headers, `/batches/${id}/rejections?format=csv`)).status,
  ];

  it('shows a batch only within the scope of its source; outside it, 404 like a missing batch', async () => {
    const u = stack.users;
    const ok = [200, 200, 200];
    const hidden = [404, 404, 404];
    // Officers and API keys: their own department's sources only.
    expect(await statuses(u.samrOfficer.headers, xihuBatch)).toEqual(ok);
    expect(await statuses(u.samrOfficer.headers, shangchengBatch)).toEqual(hidden);
    expect(await statuses(u.taxOfficer.headers, xihuBatch)).toEqual(hidden);
    expect(await statuses(key.samr, xihuBatch)).toEqual(ok);
    expect(await statuses(key.tax, xihuBatch)).toEqual(hidden);
    // Staff: batches of sources whose department's region lies in their jurisdiction.
    expect(await statuses(u.xihuStaff.headers, xihuBatch)).toEqual(ok);
    expect(await statuses(u.xihuStaff.headers, shangchengBatch)).toEqual(hidden);
    expect(await statuses(u.shangchengStaff.headers, xihuBatch)).toEqual(hidden);
    expect(await statuses(u.shangchengStaff.headers, shangchengBatch)).toEqual(ok);
    expect(await statuses(u.cityStaff.headers, xihuBatch)).toEqual(ok);
    expect(await statuses(u.cityStaff.headers, shangchengBatch)).toEqual(ok);
    expect(await statuses(u.admin.headers, shangchengBatch)).toEqual(ok);

    // The answer is the one a batch that does not exist gets: nothing tells the two apart.
    const missing = await json(await get(u.taxOfficer.headers, `/batches/${crypto.randomUUID()}`));
    const outside = await json(await get(u.taxOfficer.headers, `/batches/${xihuBatch}`));
    expect(outside.error.code).toBe(missing.error.code);
    expect(JSON.stringify(outside)).not.toMatch(/samr|330106|scope|jurisdiction/i);

    // A re-run of a batch outside the scope is a 404 too.
    expect(
      (await fetch(`${base}/batches/${xihuBatch}/rerun`, { method: 'POST', headers: key.tax })).status,
    ).toBe(404);
  });

  it("lists a source's batches newest first, paged by cursor, within the source's scope, as the OpenAPI schemas say", async () => {
    const u = stack.users;
    const extra: string[] = [];
    for (const n of [1, 2]) {
      const res = await fetch(`${base}/records`, {
        method: 'POST',
        headers: u.samrOfficer.headers,
        body: JSON.stringify({ source: 'samr-xihu', records: [refused(100 + n)] }),
      });
      extra.push((await json(res)).batchId);
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const res = await get(
        u.xihuStaff.headers,
        `/batches?source=samr-xihu&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = batchListResponse.parse(await json(res));
      seen.push(...page.items.map((b) => b.batchId));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual([extra[1], extra[0], xihuBatch]);
    // Scope as for one batch: outside it, 404.
    expect((await get(u.taxOfficer.headers, '/batches?source=samr-xihu')).status).toBe(404);
    expect((await get(u.shangchengStaff.headers, '/batches?source=samr-xihu')).status).toBe(404);
    expect((await get(key.samr, '/batches?source=samr-xihu')).status).toBe(200);
    expect((await get(u.admin.headers, '/batches?source=samr-xihu&cursor=x')).status).toBe(400);
    expect((await get(u.admin.headers, '/batches')).status).toBe(400);
    // The answers the console's generated types are built from.
    batchReportResponse.parse(await json(await get(u.admin.headers, `/batches/${xihuBatch}`)));
    rejectionsPageResponse.parse(await json(await get(u.admin.headers, `/batches/${xihuBatch}/rejections`)));
    sourceListResponse.parse(await json(await get(u.admin.headers, '/sources')));
  });

  it('masks ID numbers and phones of refused rows for callers without personal-data:read', async () => {
    const raws = async (headers: Record<string, string>) => {
      const report = await json(await get(headers, `/batches/${xihuBatch}`));
      const page = await json(await get(headers, `/batches/${xihuBatch}/rejections`));
      const csv = await (await get(headers, `/batches/${xihuBatch}/rejections?format=csv`)).text();
      const download = await (
        await get(headers, `/batches/${xihuBatch}/rejections?format=json&download=true`)
      ).text();
      return JSON.stringify([report.rejections, page.items]) + csv + download;
    };
    for (const who of ['admin', 'xihuStaff', 'cityStaff'] as const) {
      const text = await raws(stack.users[who].headers);
      expect(text).not.toContain(ID_NUMBER);
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain('张小三');
      expect(text).toContain('138****5678');
    }
    const samrKey = await raws(key.samr);
    expect(samrKey).not.toContain(ID_NUMBER);
    // Roles that hold personal-data:read see the row as it was sent.
    for (const who of ['samrOfficer', 'coordinator'] as const) {
      const res = await get(stack.users[who].headers, `/batches/${xihuBatch}/rejections`);
      expect(res.status).toBe(200);
      const text = JSON.stringify(await json(res));
      expect(text).toContain(ID_NUMBER);
      expect(text).toContain(PHONE);
    }
  });

  it('pages the refused rows with a cursor', async () => {
    const h = stack.users.admin.headers;
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const res = await get(
        h,
        `/batches/${xihuBatch}/rejections?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = await json(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r: { index: number }) => r.index));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const bad = await get(h, `/batches/${xihuBatch}/rejections?limit=0`);
    expect(bad.status).toBe(400);
    expect((await get(h, `/batches/${xihuBatch}/rejections?cursor=x`)).status).toBe(400);
  });

  it('streams a large set of refused rows a page at a time, however slow the reader', async () => {
    const N = 12_345;
    await sql(
      stack.db.url,
      `INSERT INTO ingest_rejection (batch_id, idx, source_record_id, raw, reasons, source)
       SELECT $1, 1000 + g, 'BULK-' || g, jsonb_build_object('phone', '139' || lpad(g::text, 8, '0')),
              ARRAY['uscc: invalid'], 'samr-xihu'
         FROM generate_series(1, $2) g`,
      [xihuBatch, N],
    );
    const h = stack.users.admin.headers;
    // Over HTTP: chunked, every row there, masked.
    const csvRes = await get(h, `/batches/${xihuBatch}/rejections?format=csv`);
    expect(csvRes.headers.get('content-length')).toBeNull();
    const csv = await csvRes.text();
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1 + 5 + N);
    expect(/139\d{8}/.test(csv)).toBe(false);
    const dl = await get(h, `/batches/${xihuBatch}/rejections?format=json&download=true`);
    expect(dl.headers.get('content-length')).toBeNull();
    expect(dl.headers.get('content-disposition')).toMatch(/attachment/);
    const doc = JSON.parse(await dl.text());
    expect(doc.items).toHaveLength(5 + N);
    expect(doc.items[5 + N - 1].sourceRecordId).toBe(`BULK-${N}`);

    // In process: the rows are read from the database in pages of at most PAGE, and never more
    // than one page ahead of what the (slow) reader has taken.
    const repo = stack.api.get(BatchRepository);
    const service = stack.api.get(BatchesService);
    const limits: number[] = [];
    // Every page query the stream makes, by its limit (the real query runs).
    const original = repo.rejections;
    repo.rejections = (...args: Parameters<BatchRepository['rejections']>) => {
      limits.push(args[1] ?? -1);
      return original.apply(repo, args);
    };
    let written = 0;
    let maxAhead = 0;
    let read = 0;
    const reader = new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, done) {
        written++;
        setImmediate(done); // a slow reader: one row per turn of the loop
      },
    });
    const res = Object.assign(reader, { setHeader: () => undefined, json: () => undefined });
    const caller: Principal = {
      kind: 'user',
      id: stack.users.admin.id,
      username: 'admin',
      role: 'admin',
      departmentCode: null,
      regionCode: null,
    };
    const rejections = await service.rejections(caller, xihuBatch);
    const counted = (async function* () {
      for await (const row of rejections.rows) {
        read++;
        maxAhead = Math.max(maxAhead, read - written);
        yield row;
      }
    })();
    try {
      await sendRejections(res as never, 'csv', { ...rejections, rows: counted });
    } finally {
      repo.rejections = original;
    }
    expect(read).toBe(5 + N);
    expect(Math.max(...limits)).toBeLessThanOrEqual(BatchesService.PAGE);
    expect(limits.length).toBeGreaterThanOrEqual(Math.ceil((5 + N) / BatchesService.PAGE));
    expect(maxAhead).toBeLessThanOrEqual(BatchesService.PAGE + 1);
  });
});
