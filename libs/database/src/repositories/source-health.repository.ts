import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface SourceStats {
  source: string;
  lastBatchAt: Date;
  lastBatchRows: number;
  lastBatchAccepted: number;
  batches7d: number;
  rows7d: number;
  rejected7d: number;
  // Typical rows per batch and hours between batches over the last 28 days (medians).
  usualRows: number | null;
  usualGapHours: number | null;
}

@Injectable()
export class SourceHealthRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async stats(): Promise<Map<string, SourceStats>> {
    const rows: SourceStats[] = await this.ds.query(`
      WITH recent AS (
        SELECT source, created_at, received, accepted, rejected,
               extract(epoch FROM created_at - lag(created_at) OVER (PARTITION BY source ORDER BY created_at)) / 3600 AS gap_h
          FROM ingest_batch WHERE created_at > now() - interval '28 days'),
      last AS (
        SELECT DISTINCT ON (source) source, created_at, received, accepted
          FROM ingest_batch ORDER BY source, created_at DESC)
      SELECT l.source, l.created_at AS "lastBatchAt", l.received AS "lastBatchRows", l.accepted AS "lastBatchAccepted",
             count(r.*) FILTER (WHERE r.created_at > now() - interval '7 days')::int AS "batches7d",
             coalesce(sum(r.received) FILTER (WHERE r.created_at > now() - interval '7 days'), 0)::int AS "rows7d",
             coalesce(sum(r.rejected) FILTER (WHERE r.created_at > now() - interval '7 days'), 0)::int AS "rejected7d",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY r.received) AS "usualRows",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY r.gap_h) AS "usualGapHours"
        FROM last l LEFT JOIN recent r ON r.source = l.source
       GROUP BY l.source, l.created_at, l.received, l.accepted`);
    return new Map(rows.map((r) => [r.source, r]));
  }
}
