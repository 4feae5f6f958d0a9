import { jest } from '@jest/globals';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { todayInShanghai } from '@lianjian/common';
import { type CanonicalRecord, contentHash, validateRecord } from '@lianjian/domain';
import { generateDepartments, generateSyntheticProvince, writeGbkInspectionFeed } from '@lianjian/seed';
import { compileProfile, loadSourceProfile, mapRow, readRows, type SourceProfile } from './index';

// The shipped source profiles (config/sources) against the real files they were written for
// (../shared/data). The expected counts were established independently of the engine, with Python's
// csv module on the same files (see each profile's description for what they mean); this test proves
// the profiles and the engine reproduce them, and that every record produced is a valid canonical one.
//
// In-file duplicates and conflicts are settled as the batch does (file-batch.repository): per
// sourceRecordId, a repeat with the same content hash counts once, other content refuses the later row.

const REPO = process.cwd();
const DATA_DIR = process.env.LIANJIAN_DATA_DIR ?? resolve(REPO, '../shared/data');
const SOURCES_DIR = resolve(REPO, 'config/sources');
const TODAY = todayInShanghai();

function dataFile(relative: string): string {
  const file = resolve(DATA_DIR, relative);
  if (!existsSync(file))
    throw new Error(
      `real data file not found: ${file}. The shipped-profile test reads the Chicago and San Francisco ` +
        `files from ${DATA_DIR} (default ../shared/data relative to the repository root; set ` +
        `LIANJIAN_DATA_DIR to the folder that holds chicago-food-inspections/ and sf-restaurant-scores/).`,
    );
  return file;
}

function profile(id: string): SourceProfile {
  return loadSourceProfile(JSON.parse(readFileSync(resolve(SOURCES_DIR, `${id}.json`), 'utf8')));
}

interface Rejection {
  rowNumber: number;
  output: string | null;
  reasons: string[];
}
interface OutputTally {
  acceptedRows: number; // rows that gave a valid record (duplicates included)
  records: number; // distinct sourceRecordIds first seen in this output
  duplicates: number;
  rejected: Rejection[];
}
interface Tally {
  rowsRead: number;
  rowsWithoutRecord: number; // read fine, but no output's `when` matched
  unreadable: Rejection[];
  outputs: Record<string, OutputTally>;
  records: Map<string, CanonicalRecord>;
}

async function ingest(p: SourceProfile, input: Readable, departmentExists: (code: string) => boolean) {
  const compiled = compileProfile(p);
  const tally: Tally = { rowsRead: 0, rowsWithoutRecord: 0, unreadable: [], outputs: {}, records: new Map() };
  for (const o of p.outputs)
    tally.outputs[o.name] = { acceptedRows: 0, records: 0, duplicates: 0, rejected: [] };
  const seen = new Map<string, { hash: string; rowNumber: number }>();
  for await (const ev of readRows(input, p)) {
    tally.rowsRead++;
    if (ev.error || !ev.values) {
      tally.unreadable.push({ rowNumber: ev.rowNumber, output: null, reasons: [ev.error ?? 'unreadable'] });
      continue;
    }
    let produced = 0;
    for (const m of mapRow(compiled, { rowNumber: ev.rowNumber, values: ev.values })) {
      produced++;
      const out = tally.outputs[m.output];
      if (!m.record) {
        out.rejected.push({
          rowNumber: ev.rowNumber,
          output: m.output,
          reasons: m.reasons ?? ['not mapped'],
        });
        continue;
      }
      const v = validateRecord(m.record, { today: TODAY, departmentExists });
      if (!v.ok) {
        out.rejected.push({ rowNumber: ev.rowNumber, output: m.output, reasons: v.reasons });
        continue;
      }
      const hash = contentHash(v.record);
      const first = seen.get(v.record.sourceRecordId);
      if (!first) {
        seen.set(v.record.sourceRecordId, { hash, rowNumber: ev.rowNumber });
        tally.records.set(v.record.sourceRecordId, v.record);
        out.acceptedRows++;
        out.records++;
      } else if (first.hash === hash) {
        out.acceptedRows++;
        out.duplicates++;
      } else
        out.rejected.push({
          rowNumber: ev.rowNumber,
          output: m.output,
          reasons: [
            `sourceRecordId '${v.record.sourceRecordId}' also at row ${first.rowNumber} with different content`,
          ],
        });
    }
    if (produced === 0) tally.rowsWithoutRecord++;
  }
  return tally;
}

async function ingestFile(id: string, relative: string): Promise<{ p: SourceProfile; t: Tally }> {
  const p = profile(id);
  const codes = new Set(p.departments.map((d) => d.code));
  const t = await ingest(p, createReadStream(dataFile(relative)), (c) => codes.has(c));
  return { p, t };
}

const rowsOf = (rs: Rejection[]) => rs.map((r) => r.rowNumber);
const recordsOf = <K extends CanonicalRecord['kind']>(t: Tally, kind: K) =>
  [...t.records.values()].filter((r): r is Extract<CanonicalRecord, { kind: K }> => r.kind === kind);
const countBy = <T>(items: T[], key: (x: T) => string | undefined) => {
  const out: Record<string, number> = {};
  for (const x of items) {
    const k = key(x) ?? '(none)';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
const distinct = <T>(items: T[], key: (x: T) => string) => new Set(items.map(key)).size;
const entityId = (r: CanonicalRecord) =>
  'uscc' in r.entity ? r.entity.uscc : `${r.entity.scheme}:${r.entity.id}`;

jest.setTimeout(180_000);

describe('shipped source profiles', () => {
  it('the real data is where the test expects it', () => {
    if (!existsSync(DATA_DIR))
      throw new Error(
        `the real data folder ${DATA_DIR} does not exist: the shipped-profile test needs ` +
          `chicago-food-inspections/ and sf-restaurant-scores/ there (default ../shared/data relative to ` +
          `the repository root, or set LIANJIAN_DATA_DIR).`,
      );
  });

  it('every profile in config/sources loads and compiles', () => {
    const files = readdirSync(SOURCES_DIR).filter((f) => f.endsWith('.json'));
    for (const f of files) {
      const p = profile(f.replace(/\.json$/, ''));
      expect(p.id).toBe(f.replace(/\.json$/, ''));
      expect(() => compileProfile(p)).not.toThrow();
    }
    for (const id of [
      'chicago-food-inspections',
      'chicago-business-licenses',
      'chicago-inspection-visits',
      'sf-restaurant-businesses',
      'sf-restaurant-inspections',
      'samr-gbk-inspections',
    ])
      expect(files).toContain(`${id}.json`);
  });

  it('chicago-food-inspections: 27,600 canvass inspections, one record each', async () => {
    const { t } = await ingestFile(
      'chicago-food-inspections',
      'chicago-food-inspections/chicago_inspections_features.csv',
    );
    expect(t.rowsRead).toBe(27_600);
    expect(t.unreadable).toEqual([]);
    expect(t.rowsWithoutRecord).toBe(0);
    expect(t.outputs.inspection).toEqual({
      acceptedRows: 27_600,
      records: 27_600,
      duplicates: 0,
      rejected: [],
    });
    const ins = recordsOf(t, 'inspection');
    expect(countBy(ins, (r) => r.inspection.result)).toEqual({ pass: 18_494, rectified: 3_651, fail: 5_455 });
    expect(countBy(ins, (r) => r.inspection.trigger)).toEqual({ random: 27_600 });
    expect(distinct(ins, entityId)).toBe(12_367);
    expect(ins.filter((r) => r.inspection.matter === undefined)).toHaveLength(34);
    const sum = (k: 'critical' | 'serious' | 'minor') =>
      ins.reduce((s, r) => s + (r.inspection.violations?.[k] ?? 0), 0);
    expect([sum('critical'), sum('serious'), sum('minor')]).toEqual([5_471, 9_643, 100_044]);
    expect(ins.map((r) => r.occurredAt).sort()[0]).toBe('2011-09-02');
    expect(ins.every((r) => r.departmentCode === 'US-CHI-CDPH')).toBe(true);
  });

  it('chicago-business-licenses: one registration per licence term, matched to the inspections', async () => {
    const { t } = await ingestFile(
      'chicago-business-licenses',
      'chicago-food-inspections/chicago_business_license_features.csv',
    );
    expect(t.rowsRead).toBe(27_600);
    expect(t.unreadable).toEqual([]);
    expect(t.rowsWithoutRecord).toBe(2_846); // inspections without a matched licence
    const a = t.outputs.registration;
    const b = t.outputs['registration-by-licence-type'];
    // 24,754 matched rows = 23,725 with a business activity + 1,029 without
    expect(a.acceptedRows + a.rejected.length).toBe(23_725);
    expect(b.acceptedRows + b.rejected.length).toBe(1_029);
    // '@ 35, INC.' (rows 1068 and 18248) is a real name, not a formula: '@' counts as one only in '@SUM('.
    expect([...a.rejected, ...b.rejected]).toEqual([]);
    expect([a.records, b.records]).toEqual([16_568, 862]);
    expect(a.records + b.records).toBe(17_430); // every licence term once
    expect(a.duplicates + b.duplicates).toBe(7_324); // a term seen at several inspections counts once
    const all = recordsOf(t, 'registration');
    const reg = all.filter((r) => r.sourceRecordId.startsWith('BACP-'));
    expect(reg).toHaveLength(17_430);
    expect(countBy(reg, (r) => r.registration.status)).toEqual({
      active: 16_188,
      deregistered: 1_181,
      revoked: 61,
    });
    expect(distinct(reg, entityId)).toBe(11_406); // licence numbers, counted with python on the CSV
    expect(reg.every((r) => 'scheme' in r.entity && r.entity.scheme === 'chicago-license')).toBe(true);
    expect(reg.every((r) => (r.registration.establishedOn ?? '') <= r.occurredAt)).toBe(true);
    expect(reg.every((r) => r.registration.licensedActivities === undefined)).toBe(true);

    // 许可经营项目: one record per licence term and set of licence flags (a term whose rows flag other
    // licences than its other rows gives one more record of the same day), counted with python on the CSV.
    const c = t.outputs['licensed-activities'];
    expect(c.acceptedRows).toBe(24_754);
    expect(c.rejected).toEqual([]);
    expect(c.records).toBe(19_802);
    const acts = all.filter((r) => r.sourceRecordId.startsWith('licensed-activities-'));
    expect(acts).toHaveLength(19_802);
    const held: Record<string, number> = {};
    for (const r of acts)
      for (const a of r.registration.licensedActivities ?? []) held[a] = (held[a] ?? 0) + 1;
    expect(held).toEqual({
      food_business: 18_787,
      alcohol_on_premises: 4_160,
      tobacco_retail: 2_203,
      general_business: 1_300,
      alcohol_retail: 1_014,
      entertainment: 680,
      outdoor_seating: 670,
      childcare: 523,
      regulated_business: 386,
      catering: 327,
      fuel_station: 271,
      mobile_food: 76,
    });
    // hospitals, care homes and the like with no other licence: the field is left out
    expect(acts.filter((r) => r.registration.licensedActivities === undefined)).toHaveLength(111);
    // a tavern that also sells tobacco lists each activity once
    expect(
      acts.every(
        (r) =>
          new Set(r.registration.licensedActivities).size ===
          (r.registration.licensedActivities ?? []).length,
      ),
    ).toBe(true);
    // dated at the start of one of the entity's licence terms
    const termStarts = new Set(reg.map((r) => `${entityId(r)} ${r.occurredAt}`));
    expect(acts.filter((r) => !termStarts.has(`${entityId(r)} ${r.occurredAt}`))).toEqual([]);
  });

  it('chicago-inspection-visits: complaint-driven visits as complaint records', async () => {
    const { t } = await ingestFile(
      'chicago-inspection-visits',
      'chicago-food-inspections/chicago_inspector_schedule_2011_2014.csv',
    );
    expect(t.rowsRead).toBe(67_497);
    expect(t.unreadable).toEqual([]);
    const licensed = t.outputs.complaint;
    const premises = t.outputs['complaint-unlicensed-premises'];
    // 9,226 complaint visits of licensed businesses: 7 verbatim repeats and 1 pair differing only in
    // the DBA name are one complaint each
    expect(licensed).toEqual({ acceptedRows: 9_226, records: 9_218, duplicates: 8, rejected: [] });
    // 57 visits with License 0 or empty: named by address; row 27880 has no licence, name or address
    expect(premises.acceptedRows).toBe(56);
    expect(premises.records).toBe(56);
    expect(rowsOf(premises.rejected)).toEqual([27_880]);
    expect(premises.rejected[0].reasons.join(' ')).toMatch(/Address.*entity\.id/);
    expect(t.rowsWithoutRecord).toBe(67_497 - 9_226 - 57);
    const c = recordsOf(t, 'complaint');
    expect(c).toHaveLength(9_274);
    expect(countBy(c, (r) => r.complaint.category)).toEqual({
      Complaint: 5_903,
      'Short Form Complaint': 2_860,
      'Suspected Food Poisoning': 316,
      'Complaint-Fire': 101,
      'Short Form Fire-Complaint': 93,
      'Smoking complaint': 1,
    });
    expect(c.every((r) => r.complaint.verified === undefined)).toBe(true);
    expect(
      distinct(
        c.filter((r) => 'scheme' in r.entity && r.entity.scheme === 'chicago-license'),
        entityId,
      ),
    ).toBe(4_885);
    expect(
      distinct(
        c.filter((r) => 'scheme' in r.entity && r.entity.scheme === 'chicago-premises'),
        entityId,
      ),
    ).toBe(52);
  });

  it('sf-restaurant-businesses: one registration per business, read as Windows-1252', async () => {
    const { t } = await ingestFile('sf-restaurant-businesses', 'sf-restaurant-scores/businesses.csv');
    expect(t.rowsRead).toBe(6_399);
    expect([...t.unreadable, ...t.outputs.registration.rejected]).toEqual([]);
    expect(t.outputs.registration.records).toBe(6_399);
    expect(t.outputs.registration.duplicates).toBe(0);
    const reg = recordsOf(t, 'registration');
    expect(reg.filter((r) => r.registration.address === undefined)).toHaveLength(1);
    expect(distinct(reg, entityId)).toBe(6_399);
    // The Latin-1 letters the file carries (rows 2355, 3141, …) come through intact.
    expect(reg.map((r) => r.registration.name)).toEqual(expect.arrayContaining(['TROPISUEÑO', 'KIÊN THANH']));
  });

  it('sf-restaurant-inspections: score bands as results; one repeat, one conflicting score', async () => {
    const { t } = await ingestFile('sf-restaurant-inspections', 'sf-restaurant-scores/inspections.csv');
    expect(t.rowsRead).toBe(14_233);
    expect(t.unreadable).toEqual([]);
    const o = t.outputs.inspection;
    expect(o.records).toBe(14_231);
    expect(o.duplicates).toBe(1); // 77427 / 2017-07-06 repeated verbatim
    expect(rowsOf(o.rejected)).toEqual([7_715]); // 64859 / 2015-09-24 scored 91 and 96
    expect(o.rejected[0].reasons.join(' ')).toMatch(/SF-INS-64859-20150924-routine.*row 7714/);
    const ins = recordsOf(t, 'inspection');
    expect(countBy(ins, (r) => r.inspection.result)).toEqual({ pass: 11_112, rectified: 2_771, fail: 348 });
    expect(countBy(ins, (r) => r.inspection.trigger)).toEqual({ random: 14_230, complaint: 1 });
    expect(distinct(ins, entityId)).toBe(5_758);
  });

  it('samr-gbk-inspections: the synthetic GBK feed reads back as exactly the generated records', async () => {
    const opts = { entities: 2_000, seed: 20250601, end: '2025-06-30' };
    const feed = writeGbkInspectionFeed(opts);
    const p = profile('samr-gbk-inspections');
    const codes = new Set([...p.departments.map((d) => d.code), ...generateDepartments().map((d) => d.code)]);
    const t = await ingest(p, Readable.from([feed]), (c) => codes.has(c));

    const expected = new Map<string, CanonicalRecord>();
    for (const e of generateSyntheticProvince(opts).entities())
      for (const { record } of e.records)
        if (record.kind === 'inspection') expected.set(record.sourceRecordId, record);

    expect(t.rowsRead).toBe(expected.size);
    expect(t.unreadable).toEqual([]);
    expect(t.outputs.inspection.rejected).toEqual([]);
    expect(t.outputs.inspection.duplicates).toBe(0);
    expect(t.records.size).toBe(expected.size);
    for (const [id, record] of t.records) expect(record).toEqual(expected.get(id));
    const results = new Set(
      [...t.records.values()].map((r) => (r.kind === 'inspection' ? r.inspection.result : '')),
    );
    expect([...results].sort()).toEqual(['fail', 'not_operating', 'pass', 'rectified', 'unreachable']);
  });
});
