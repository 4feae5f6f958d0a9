import { once } from 'node:events';
import type { Response } from 'express';
import type { RejectionItem, Rejections } from './batches.service';
import { csvLine } from './rejections-csv';

// Streams every refused record of a batch as a download (退回记录下载), CSV or one JSON document,
// writing each page as it comes from the database and waiting whenever the client reads slower than
// the database answers (backpressure): memory holds one page, however many rows the batch refused.
export async function sendRejections(res: Response, format: 'json' | 'csv', r: Rejections): Promise<void> {
  const { batchId, rows } = r;
  const write = async (text: string) => {
    if (!res.write(text)) await once(res, 'drain');
  };
  if (format === 'json') {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="rejections-${batchId}.json"`);
    await write(`{"batchId":${JSON.stringify(batchId)},"items":[`);
    let first = true;
    for await (const row of rows) {
      await write((first ? '\n' : ',\n') + JSON.stringify(row));
      first = false;
    }
    res.end('\n]}\n');
    return;
  }
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="rejections-${batchId}.csv"`);
  // UTF-8 BOM so spreadsheet software shows Chinese text correctly.
  await write(
    '\ufeff' +
      csvLine(['row_number', 'index', 'output', 'source_record_id', 'reasons', 'raw', 'resolved_at']),
  );
  for await (const row of rows) await write(csvRow(row));
  res.end();
}

function csvRow(row: RejectionItem): string {
  return csvLine([
    row.rowNumber,
    row.index,
    row.output,
    row.sourceRecordId,
    row.reasons.join('; '),
    row.raw,
    row.resolvedAt,
  ]);
}
