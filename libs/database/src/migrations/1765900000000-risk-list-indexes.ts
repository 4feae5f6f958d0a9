import type { MigrationInterface, QueryRunner } from 'typeorm';

// The risk list (风险名单) under load (issue 13, load held): every filter the list offers gets an
// index that yields its rows already in the list's order (score DESC, entity_id DESC), so a page is a
// walk of 51 index entries whatever the filter, the cursor or the planner statistics. A region or
// industry prefix of the usual lengths is matched as left(code, n) = prefix, an equality an index can
// lead with (a LIKE prefix cannot keep the order: entity_risk_region_rank gives rows region by
// region). Chosen from the query plans of bench:api: before, a county, a class in a city, an industry
// and a deep page were bitmap scans of every matching row and a sort (17-265 ms at 50,000 entities
// without statistics, growing with the province).
const INDEXES: [name: string, columns: string][] = [
  // a county (区县, 6 digits) and a city (地市, 4 digits)
  ['entity_risk_county_rank', 'left(region_code, 6), score DESC, entity_id DESC'],
  ['entity_risk_city_rank', 'left(region_code, 4), score DESC, entity_id DESC'],
  // a class in a city (class D of a city: the slowest filter before), and a class anywhere
  ['entity_risk_city_class_rank', 'left(region_code, 4), risk_class, score DESC, entity_id DESC'],
  ['entity_risk_class_rank', 'risk_class, score DESC, entity_id DESC'],
  // an industry division (GB/T 4754 门类 letter + two digits, e.g. H62)
  ['entity_risk_industry_rank', 'left(industry_code, 3), score DESC, entity_id DESC'],
  // a province (2 digits): every row of a one-province install, but the order needs no statistics
  ['entity_risk_province_rank', 'left(region_code, 2), score DESC, entity_id DESC'],
];

export class RiskListIndexes1765900000000 implements MigrationInterface {
  name = 'RiskListIndexes1765900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, columns] of INDEXES) await q.query(`CREATE INDEX ${name} ON entity_risk (${columns})`);
    // The expressions' statistics, which the planner needs to weigh these indexes against each other.
    await q.query(`ANALYZE entity_risk`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await q.query(`DROP INDEX ${name}`);
  }
}
