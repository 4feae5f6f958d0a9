import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface DepartmentRow {
  code: string;
  name: string;
  nameEn: string | null;
  domains: string[];
  regionCode: string;
  level: 'province' | 'city' | 'county';
}

@Injectable()
export class DepartmentRepository {
  // Departments change rarely and are read on every ingest and routing decision.
  private cache?: { at: number; rows: DepartmentRow[] };
  private static readonly TTL_MS = 30_000;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(): Promise<DepartmentRow[]> {
    if (this.cache && Date.now() - this.cache.at < DepartmentRepository.TTL_MS) return this.cache.rows;
    const rows: DepartmentRow[] = await this.ds.query(
      `SELECT code, name, name_en AS "nameEn", domains, region_code AS "regionCode", level
         FROM department ORDER BY code`,
    );
    this.cache = { at: Date.now(), rows };
    return rows;
  }

  async codes(): Promise<Set<string>> {
    return new Set((await this.list()).map((d) => d.code));
  }

  invalidate(): void {
    this.cache = undefined;
  }

  async upsertMany(rows: DepartmentRow[]): Promise<number> {
    if (!rows.length) return 0;
    await this.ds.query(
      `INSERT INTO department (code, name, name_en, domains, region_code, level)
       SELECT code, name, "nameEn", domains, "regionCode", level
         FROM jsonb_to_recordset($1::jsonb)
           AS x(code text, name text, "nameEn" text, domains text[], "regionCode" text, level text)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en,
         domains = EXCLUDED.domains, region_code = EXCLUDED.region_code, level = EXCLUDED.level, updated_at = now()`,
      [JSON.stringify(rows)],
    );
    this.invalidate();
    return rows.length;
  }
}
