import { FLAGGED_AS_OF_SQL } from '@lianjian/database';
import { SEVERE_PENALTY_TYPES, type ProfileConfig } from '@lianjian/scoring';

// The yardstick of `npm run bench:score`: ONE SQL statement that computes, for every entity, the
// aggregates computeProfile (libs/scoring/src/profile/profile.ts) computes in Node, over the same
// tables, with the same windows, half-lives and industry table (the model's profile config), and
// writes them into a table (CREATE TABLE AS, so PostgreSQL may use parallel workers as it likes).
//
// Feature by feature it follows computeProfile:
// - counts in the (start, asOf] windows: `day > addMonths(asOf, -12|-36)`; PostgreSQL's
//   `date - interval 'N months'` clamps to the month's end exactly like addMonths;
// - time-decayed sums 0.5^(age/halfLife), rounded to 4 decimals, fines to 2;
// - last inspection: days since (capped), and "failed" = a failure on the latest inspection day;
// - a record repaired (信用修复) on or before asOf is left out, as computeProfile leaves it out;
// - list membership: on a list iff its latest addition is later than its latest removal (same day:
//   removal wins, as the replay in date order with additions first does); ever on the
//   serious-violation list; additions in the long window;
// - basic attributes: the latest visible registration value of each field when any registration
//   record carries that field, else the entity snapshot; industry risk by longest prefix;
// - changes of legal representative, address and status: value changes (NFKC, whitespace removed)
//   between consecutive registration records carrying the field, counted when in the short window;
// - related parties: entities sharing the legal representative / address that are flagged as of
//   asOf by their records, the entity itself excluded (the run's snapshot, FLAGGED_AS_OF_SQL, and
//   EntityRepository.relatedPartySignals), and all entities sharing them (related_*_entities);
// - entity type flags (个体工商户, 股份有限公司, 分公司) and young_2y from the entity type and the
//   establishment date as of asOf; fine_relative_decayed against the model's department fine table
//   (0 without one).
// Not done here: the scorecard (points, caps, floors, classes), the inputs hash, and the score,
// entity_risk and profile rows the product writes (this writes one plain table of 45 columns).

export const SQL_TABLE = 'bench_sql_profile';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`bench/score-sql: ${x} is not a finite number`);
  return String(x);
};

export function sqlBaselineStatement(asOf: string, cfg: ProfileConfig): string {
  if (!DATE.test(asOf)) throw new Error(`bench/score-sql: asOf '${asOf}' is not YYYY-MM-DD`);
  const A = `${lit(asOf)}::date`;
  const S = `(${A} - interval '${num(cfg.shortWindowMonths)} months')::date`;
  const L = `(${A} - interval '${num(cfg.longWindowMonths)} months')::date`;
  const NEW = `(${A} - interval '${num(cfg.newlyEstablishedMonths)} months')::date`;
  const hl = cfg.halfLifeDays;
  const w = (halfLife: number) => `power(0.5::float8, (${A} - r.occurred_at) / ${num(halfLife)}::float8)`;
  const severe = `ARRAY[${[...SEVERE_PENALTY_TYPES].map(lit).join(', ')}]`;
  const norm = (e: string) => `regexp_replace(normalize(${e}, NFKC), '\\s+', '', 'g')`;
  const rules = cfg.industryRisk
    .map((r) => ({ prefix: r.prefix.trim().toUpperCase(), level: r.level }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const industryLevel = (code: string) =>
    `CASE WHEN coalesce(btrim(${code}), '') = '' THEN ${num(cfg.defaultIndustryRiskLevel)} ` +
    rules
      .map((r) => `WHEN upper(btrim(${code})) LIKE ${lit(r.prefix + '%')} THEN ${num(r.level)} `)
      .join('') +
    `ELSE ${num(cfg.defaultIndustryRiskLevel)} END`;
  const lists = ['abnormal_operations', 'serious_violation', 'court_defaulter', 'tax_violation'];
  const listCols = lists
    .map(
      (l) =>
        `max(r.occurred_at) FILTER (WHERE r.kind = 'listing' AND r.data->>'list' = ${lit(l)} AND r.data->>'action' = 'added') AS ${l}_add,
         max(r.occurred_at) FILTER (WHERE r.kind = 'listing' AND r.data->>'list' = ${lit(l)} AND r.data->>'action' = 'removed') AS ${l}_rem`,
    )
    .join(',\n');
  const onList = (l: string) =>
    `(a.${l}_add IS NOT NULL AND (a.${l}_rem IS NULL OR a.${l}_add > a.${l}_rem))::int`;
  const lastVisible = (f: string) =>
    `max(v) FILTER (WHERE f = '${f}' AND occurred_at <= ${A} AND (next_day IS NULL OR next_day > ${A}))`;
  const changes = (f: string) =>
    `count(*) FILTER (WHERE f = '${f}' AND occurred_at <= ${A} AND occurred_at > ${S} AND prev IS NOT NULL AND v <> prev)`;
  const r4 = (e: string) => `round(coalesce(${e}, 0)::numeric, 4)::float8`;
  const YOUNG = `(${A} - interval '24 months')::date`;
  // The model's department fine table (profile.ts DepartmentFineTable), or none.
  const fines = cfg.departmentFines;
  const fineMedians = fines?.departments.length
    ? `VALUES ${fines.departments.map((d) => `(${lit(d.departmentCode)}, ${num(d.medianFine)}::float8)`).join(', ')}`
    : `SELECT NULL::text, NULL::float8 WHERE false`;
  const fineRelative = fines
    ? `sum(${w(hl.penalty)} * log(2, (1 + (r.data->>'fineAmount')::float8 / coalesce(fm.median, ${num(fines.overallMedian)}::float8))::numeric)::float8)
         FILTER (WHERE r.kind = 'penalty' AND (r.data->>'fineAmount')::float8 > 0)`
    : `NULL::float8`;
  const typeText = `normalize(coalesce(b.typ, ''), NFKC)`;
  const isBranch = `(${typeText} LIKE '%分公司%' OR ${typeText} LIKE '%分支机构%')`;

  // The run's related-party snapshot (FLAGGED_AS_OF_SQL) with its parameters written in.
  const flaggedAsOf = FLAGGED_AS_OF_SQL.replaceAll('$1', lit(asOf))
    .replaceAll('$2', severe)
    .replaceAll('$3', num(cfg.longWindowMonths));
  return `CREATE TABLE ${SQL_TABLE} AS
WITH fine_median(code, median) AS (${fineMedians}),
agg AS (
  SELECT r.entity_id,
    count(*) FILTER (WHERE r.kind = 'inspection' AND r.occurred_at > ${L}) AS inspections_36m,
    max(r.occurred_at) FILTER (WHERE r.kind = 'inspection') AS last_insp,
    max(r.occurred_at) FILTER (WHERE r.kind = 'inspection' AND r.data->>'result' = 'fail') AS last_fail,
    sum(${w(hl.inspection)}) FILTER (WHERE r.kind = 'inspection' AND r.data->>'result' = 'fail') AS fail_d,
    sum(${w(hl.inspection)}) FILTER (WHERE r.kind = 'inspection' AND r.data->>'result' IN ('unreachable', 'not_operating')) AS unreachable_d,
    sum(${w(hl.inspection)}) FILTER (WHERE r.kind = 'inspection' AND r.data->>'result' = 'rectified') AS rectified_d,
    sum(coalesce((r.data->'violations'->>'critical')::float8, 0) * ${w(hl.inspection)}) FILTER (WHERE r.kind = 'inspection') AS critical_d,
    sum(coalesce((r.data->'violations'->>'serious')::float8, 0) * ${w(hl.inspection)}) FILTER (WHERE r.kind = 'inspection') AS serious_d,
    sum(${w(hl.penalty)}) FILTER (WHERE r.kind = 'penalty') AS penalties_d,
    count(*) FILTER (WHERE r.kind = 'penalty' AND r.occurred_at > ${S}) AS penalties_12m,
    count(*) FILTER (WHERE r.kind = 'penalty' AND r.occurred_at > ${L}) AS penalties_36m,
    count(*) FILTER (WHERE r.kind = 'penalty' AND r.occurred_at > ${L} AND r.data->'penaltyTypes' ?| ${severe}) AS severe_36m,
    sum(coalesce((r.data->>'fineAmount')::float8, 0)) FILTER (WHERE r.kind = 'penalty' AND r.occurred_at > ${L}) AS fines_36m,
    count(*) FILTER (WHERE r.kind = 'penalty' AND r.occurred_at > ${L} AND (r.data->>'fineAmount')::float8 > 0
                       AND (r.data->>'fineAmount')::float8 >= ${num(cfg.largeFineCny)}) AS large_fines_36m,
    sum(${w(hl.complaint)}) FILTER (WHERE r.kind = 'complaint') AS complaints_d,
    count(*) FILTER (WHERE r.kind = 'complaint' AND r.occurred_at > ${S}) AS complaints_12m,
    count(*) FILTER (WHERE r.kind = 'complaint' AND r.occurred_at > ${S} AND r.data->'verified' = 'true'::jsonb) AS verified_12m,
    sum(${w(hl.obligation)}) FILTER (WHERE r.kind = 'obligation_default' AND r.data->>'type' = 'tax_arrears') AS tax_d,
    sum(${w(hl.obligation)}) FILTER (WHERE r.kind = 'obligation_default' AND r.data->>'type' = 'social_insurance_arrears') AS social_d,
    count(*) FILTER (WHERE r.kind = 'obligation_default' AND r.data->>'type' = 'court_judgment' AND r.occurred_at > ${L}) AS court_36m,
    ${listCols},
    coalesce(bool_or(r.kind = 'listing' AND r.data->>'list' = 'serious_violation' AND r.data->>'action' = 'added'), false) AS ever_serious,
    count(*) FILTER (WHERE r.kind = 'listing' AND r.data->>'action' = 'added' AND r.occurred_at > ${L}) AS listings_36m,
    ${fineRelative} AS fine_rel_d
  FROM record r LEFT JOIN fine_median fm ON fm.code = r.department_code
  WHERE r.kind <> 'registration' AND r.occurred_at <= ${A} AND (r.counts_until IS NULL OR ${A} < r.counts_until)
  GROUP BY r.entity_id
),
regf AS (
  SELECT r.entity_id, r.occurred_at, r.id, x.f, x.v
    FROM record r
    CROSS JOIN LATERAL (VALUES
      ('est', r.data->>'establishedOn'), ('cap', r.data->>'registeredCapital'),
      ('ind', r.data->>'industryCode'), ('st', r.data->>'status'), ('typ', r.data->>'entityType'),
      ('rep', ${norm(`r.data->'legalRepresentative'->>'name'`)}), ('addr', ${norm(`r.data->>'address'`)}),
      ('stc', ${norm(`r.data->>'status'`)})) AS x(f, v)
   WHERE r.kind = 'registration' AND x.v <> ''
),
regw AS (
  SELECT entity_id, f, v, occurred_at, lag(v) OVER w AS prev, lead(occurred_at) OVER w AS next_day
    FROM regf WINDOW w AS (PARTITION BY entity_id, f ORDER BY occurred_at, id::text)
),
reg AS (
  SELECT entity_id,
    bool_or(f = 'est') AS est_c, ${lastVisible('est')} AS est_v,
    bool_or(f = 'cap') AS cap_c, ${lastVisible('cap')} AS cap_v,
    bool_or(f = 'ind') AS ind_c, ${lastVisible('ind')} AS ind_v,
    bool_or(f = 'st') AS st_c, ${lastVisible('st')} AS st_v,
    bool_or(f = 'typ') AS typ_c, ${lastVisible('typ')} AS typ_v,
    ${changes('rep')} AS rep_changes, ${changes('addr')} AS addr_changes, ${changes('stc')} AS status_changes
  FROM regw GROUP BY entity_id
),
flagged AS (
  SELECT o.id, o.legal_rep_id_number AS rep, o.address AS addr
    FROM (${flaggedAsOf}) f JOIN entity o ON o.id = f.entity_id
),
rep_n AS (SELECT rep, count(*) AS n FROM flagged WHERE rep IS NOT NULL GROUP BY rep),
addr_n AS (SELECT addr, count(*) AS n FROM flagged WHERE addr IS NOT NULL GROUP BY addr),
rep_all AS (SELECT legal_rep_id_number AS rep, count(*) AS n FROM entity WHERE legal_rep_id_number IS NOT NULL GROUP BY 1),
addr_all AS (SELECT address AS addr, count(*) AS n FROM entity WHERE address IS NOT NULL GROUP BY 1),
base AS (
  SELECT e.id, e.legal_rep_id_number, e.address,
    CASE WHEN g.est_c THEN left(g.est_v, 10)::date ELSE e.established_on END AS est,
    CASE WHEN g.cap_c THEN g.cap_v::float8 ELSE e.registered_capital::float8 END AS cap,
    CASE WHEN g.ind_c THEN g.ind_v ELSE e.industry_code END AS ind,
    CASE WHEN g.st_c THEN g.st_v ELSE e.status END AS st,
    CASE WHEN g.typ_c THEN g.typ_v ELSE e.entity_type END AS typ,
    g.rep_changes, g.addr_changes, g.status_changes
  FROM entity e LEFT JOIN reg g ON g.entity_id = e.id
)
SELECT b.id AS entity_id,
  CASE WHEN b.est IS NULL THEN 0 ELSE round(greatest(0, ${A} - b.est) / 365.25, 2)::float8 END AS age_years,
  (b.est IS NOT NULL AND b.est > ${NEW})::int AS newly_established,
  CASE WHEN b.cap > 0 THEN round((b.cap / 10000)::numeric, 2)::float8 ELSE 0 END AS registered_capital_10k,
  ${industryLevel('b.ind')} AS industry_risk_level,
  (coalesce(b.st IN ('revoked', 'deregistered'), false))::int AS entity_status_abnormal,
  (${typeText} LIKE '%个体%')::int AS entity_type_individual,
  (NOT ${isBranch} AND ${typeText} LIKE '%股份有限公司%')::int AS entity_type_joint_stock,
  ${isBranch}::int AS entity_type_branch,
  (b.est IS NOT NULL AND b.est > ${YOUNG})::int AS young_2y,
  coalesce(b.rep_changes, 0) AS legal_rep_changes_12m,
  coalesce(b.addr_changes, 0) AS address_changes_12m,
  coalesce(b.status_changes, 0) AS status_changes_12m,
  coalesce(a.inspections_36m, 0) AS inspections_36m,
  coalesce(least(${A} - a.last_insp, ${num(cfg.maxDaysSinceInspection)}), ${num(cfg.maxDaysSinceInspection)}) AS days_since_last_inspection,
  (a.last_fail IS NOT NULL AND a.last_fail = a.last_insp)::int AS last_inspection_failed,
  ${r4('a.fail_d')} AS inspection_fail_decayed,
  ${r4('a.unreachable_d')} AS inspection_unreachable_decayed,
  ${r4('a.rectified_d')} AS inspection_rectified_decayed,
  ${r4('a.critical_d')} AS critical_violations_decayed,
  ${r4('a.serious_d')} AS serious_violations_decayed,
  coalesce(a.penalties_12m, 0) AS penalties_12m,
  coalesce(a.penalties_36m, 0) AS penalties_36m,
  ${r4('a.penalties_d')} AS penalties_decayed,
  coalesce(a.severe_36m, 0) AS severe_penalties_36m,
  round(coalesce(a.fines_36m / 10000, 0)::numeric, 2)::float8 AS fines_36m_10k,
  coalesce(a.large_fines_36m, 0) AS large_fines_36m,
  ${r4('a.fine_rel_d')} AS fine_relative_decayed,
  ${onList('abnormal_operations')} AS on_abnormal_list,
  ${onList('serious_violation')} AS on_serious_violation_list,
  coalesce(a.ever_serious, false)::int AS ever_serious_violation,
  coalesce(a.listings_36m, 0) AS listings_36m,
  ${onList('court_defaulter')} AS on_court_defaulter_list,
  ${onList('tax_violation')} AS on_tax_violation_list,
  ${r4('a.tax_d')} AS tax_arrears_decayed,
  ${r4('a.social_d')} AS social_insurance_arrears_decayed,
  coalesce(a.court_36m, 0) AS court_judgment_defaults_36m,
  coalesce(a.complaints_12m, 0) AS complaints_12m,
  coalesce(a.verified_12m, 0) AS verified_complaints_12m,
  ${r4('a.complaints_d')} AS complaints_decayed,
  greatest(0, coalesce(rn.n, 0) - (me.id IS NOT NULL AND b.legal_rep_id_number IS NOT NULL)::int) AS related_legal_rep_flagged,
  greatest(0, coalesce(an.n, 0) - (me.id IS NOT NULL AND b.address IS NOT NULL)::int) AS related_address_flagged,
  greatest(0, coalesce(ra.n, 0) - 1) AS related_legal_rep_entities,
  greatest(0, coalesce(aa.n, 0) - 1) AS related_address_entities
FROM base b
LEFT JOIN agg a ON a.entity_id = b.id
LEFT JOIN flagged me ON me.id = b.id
LEFT JOIN rep_n rn ON rn.rep = b.legal_rep_id_number
LEFT JOIN addr_n an ON an.addr = b.address
LEFT JOIN rep_all ra ON ra.rep = b.legal_rep_id_number
LEFT JOIN addr_all aa ON aa.addr = b.address`;
}

// Per feature, how many entities' SQL value differs from the profile the product stored (profile
// table, features jsonb) by more than the rounding of the stored numbers.
export function sqlAgreementStatement(features: readonly string[]): string {
  for (const f of features) if (!/^[a-z0-9_]+$/.test(f)) throw new Error(`bad feature name ${f}`);
  const cols = features
    .map(
      (f) =>
        `count(*) FILTER (WHERE abs(coalesce((p.features->>'${f}')::float8, 0) - s.${f}::float8) > 0.0011)::int AS ${f}`,
    )
    .join(',\n  ');
  return `SELECT count(*)::int AS compared,\n  ${cols}\nFROM ${SQL_TABLE} s JOIN profile p ON p.entity_id = s.entity_id`;
}
