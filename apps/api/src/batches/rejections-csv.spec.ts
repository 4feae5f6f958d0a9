import { csvCell, csvLine } from './rejections-csv';

describe('rejections CSV', () => {
  it('quotes delimiters, quotes and newlines', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', null, 3])).toBe(
      '"a,b","say ""hi""","two\nlines",,3\r\n',
    );
  });

  it('defuses formula-looking cells (CSV injection)', () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvCell('+SUM(A1)')).toBe("'+SUM(A1)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('合格')).toBe('合格');
  });
});
