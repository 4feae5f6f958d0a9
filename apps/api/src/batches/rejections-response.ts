import type { Response } from 'express';
import type { RejectionView } from '@lianjian/database';
import { rejectionView, type Rejections } from './batches.service';
import { csvLine } from './rejections-csv';

// Streams a batch's refused records as JSON or as a CSV download (退回记录下载).
export async function sendRejections(res: Response, format: 'json' | 'csv', r: Rejections): Promise<void> {
  const { batchId, first, rest } = r;
  if (format === 'json') {
    const items = first.done ? [] : [rejectionView(first.value)];
    for await (const row of rest) items.push(rejectionView(row));
    res.json({ batchId, items });
    return;
  }
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="rejections-${batchId}.csv"`);
  // UTF-8 BOM so spreadsheet software shows Chinese text correctly.
  res.write(
    '\ufeff' +
      csvLine(['row_number', 'index', 'output', 'source_record_id', 'reasons', 'raw', 'resolved_at']),
  );
  const write = (row: RejectionView) =>
    res.write(
      csvLine([
        row.rowNumber,
        row.idx,
        row.output,
        row.sourceRecordId,
        row.reasons.join('; '),
        row.rawText ?? row.raw,
        row.resolvedAt,
      ]),
    );
  if (!first.done) write(first.value);
  for await (const row of rest) write(row);
  res.end();
}
