import type { RowEvent } from './files/read-model';

// Read rows as they cross to a worker thread. Structured clone copies every key of every object, so
// a batch of CSV rows goes as flat arrays (cell values in header order) and is rebuilt on the other
// side; rows of other shapes (NDJSON types, XLSX formulas, errors) go as they are.
export interface PackedEvents {
  header: string[] | null; // names of the flattened cells; null when no row was flattened
  rowNumbers: number[];
  raws: string[];
  cells: string[]; // header.length cells per flattened row, in row order
  flat: boolean[]; // whether the row at that position was flattened
  others: RowEvent[]; // the rows that were not, in order
}

export function packEvents(events: readonly RowEvent[]): PackedEvents {
  let header: string[] | null = null;
  let headerKey = '';
  const out: PackedEvents = { header: null, rowNumbers: [], raws: [], cells: [], flat: [], others: [] };
  for (const ev of events) {
    const plain = ev.values && !ev.typed && !ev.formulaColumns && !ev.error;
    if (plain) {
      if (!header) {
        header = Object.keys(ev.values!);
        headerKey = header.join('\u0000');
      }
      // Rows of one CSV file share the header; anything else travels as it is.
      const keys = Object.keys(ev.values!);
      if (keys.length === header.length && keys.join('\u0000') === headerKey) {
        out.flat.push(true);
        out.rowNumbers.push(ev.rowNumber);
        out.raws.push(ev.raw);
        for (const k of header) out.cells.push(ev.values![k]);
        continue;
      }
    }
    out.flat.push(false);
    out.others.push(ev);
  }
  out.header = header;
  return out;
}

export function unpackEvents(p: PackedEvents): RowEvent[] {
  const events: RowEvent[] = [];
  const header = p.header ?? [];
  const template: Record<string, string> = {};
  for (const h of header) template[h] = '';
  let flatIdx = 0;
  let otherIdx = 0;
  let cell = 0;
  for (const isFlat of p.flat) {
    if (!isFlat) {
      events.push(p.others[otherIdx++]);
      continue;
    }
    const values: Record<string, string> = { ...template };
    for (const h of header) values[h] = p.cells[cell++];
    events.push({ rowNumber: p.rowNumbers[flatIdx], raw: p.raws[flatIdx], values });
    flatIdx++;
  }
  return events;
}
