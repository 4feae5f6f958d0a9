import type { RowEvent } from './files/read-model';
import { packEvents, unpackEvents } from './packed-events';

describe('packEvents / unpackEvents (rows crossing to a worker thread)', () => {
  it('flattens CSV rows and gives back the same rows, in order, with the other shapes untouched', () => {
    const events: RowEvent[] = [
      { rowNumber: 2, raw: 'a,1', values: { name: 'a', n: '1' } },
      { rowNumber: 3, raw: '"b', error: 'file ends inside a quoted field (truncated?)' },
      { rowNumber: 4, raw: 'c,', values: { name: 'c', n: '' } },
      { rowNumber: 5, raw: '{"x":1}', values: { x: '1' }, typed: { x: 1 } },
      { rowNumber: 6, raw: '=1,2', values: { name: '=1', n: '2' }, formulaColumns: ['name'] },
      { rowNumber: 7, raw: 'd,4', values: { name: 'd', n: '4' } },
    ];
    const packed = packEvents(events);
    expect(packed.header).toEqual(['name', 'n']);
    expect(packed.cells).toEqual(['a', '1', 'c', '', 'd', '4']);
    expect(packed.others.map((e) => e.rowNumber)).toEqual([3, 5, 6]);
    expect(unpackEvents(structuredClone(packed))).toEqual(events);
  });

  it('sends a row whose keys differ from the first row as it is', () => {
    const events: RowEvent[] = [
      { rowNumber: 2, raw: 'a,1', values: { name: 'a', n: '1' } },
      { rowNumber: 3, raw: 'b', values: { name: 'b' } },
    ];
    const packed = packEvents(events);
    expect(packed.flat).toEqual([true, false]);
    expect(unpackEvents(packed)).toEqual(events);
  });

  it('packs an empty batch', () => {
    expect(unpackEvents(packEvents([]))).toEqual([]);
  });
});
