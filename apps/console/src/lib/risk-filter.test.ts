import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTER,
  filterFromSearch,
  filterToExportQuery,
  filterToQuery,
  filterToSearch,
  industryPath,
  regionPath,
  sameFilter,
} from './risk-filter';

describe('risk list filter ⇄ URL', () => {
  it('round-trips a filter through the query string, canonically', () => {
    const f = { region: '330106', industry: 'H62', classes: ['C', 'D'] as const, minScore: 60 };
    const search = filterToSearch({ ...f, classes: [...f.classes] });
    expect(search).toBe('region=330106&industry=H62&class=C&class=D&minScore=60');
    expect(filterFromSearch(search)).toEqual({ ...f, classes: ['C', 'D'] });
    expect(filterToSearch(EMPTY_FILTER)).toBe('');
    expect(filterFromSearch('')).toEqual(EMPTY_FILTER);
  });

  it('reads classes repeated or comma-separated, in any case and order, once each', () => {
    expect(filterFromSearch('class=d,b&class=B&class=x').classes).toEqual(['B', 'D']);
  });

  it('drops what a hand-edited URL gets wrong and keeps the rest', () => {
    expect(filterFromSearch('region=33&industry=Z9&minScore=101&class=C')).toEqual({ classes: ['C'] });
    expect(filterFromSearch('minScore=&industry=h')).toEqual({ industry: 'H', classes: [] });
    expect(filterFromSearch('minScore=0').minScore).toBe(0);
  });

  it('builds the API query of a page', () => {
    expect(filterToQuery({ region: '330100', classes: ['D'] }, 'abc', 50)).toEqual({
      region: '330100',
      class: ['D'],
      cursor: 'abc',
      limit: 50,
    });
    expect(filterToQuery(EMPTY_FILTER, undefined, 20)).toEqual({ limit: 20 });
  });

  it('compares filters by their URL', () => {
    expect(sameFilter({ classes: ['D', 'C'] }, { classes: ['C', 'D'] })).toBe(true);
    expect(sameFilter({ classes: [] }, { classes: [], minScore: 0 })).toBe(false);
  });
});

describe('cascader paths', () => {
  it('puts a county under its city and province, from the top of the jurisdiction', () => {
    expect(regionPath('330106')).toEqual(['330000', '330100', '330106']);
    expect(regionPath('330106', '330100')).toEqual(['330100', '330106']);
    expect(regionPath('330106', '330106')).toEqual(['330106']);
    expect(regionPath('330100')).toEqual(['330000', '330100']);
    expect(regionPath('330000', null)).toEqual(['330000']);
    expect(regionPath('110105')).toEqual(['110000', '110100', '110105']);
    expect(regionPath('33')).toEqual([]);
  });

  it('puts a division under its section', () => {
    expect(industryPath('H62')).toEqual(['H', 'H62']);
    expect(industryPath('H')).toEqual(['H']);
    expect(industryPath('62')).toEqual([]);
  });
});

describe('filterToExportQuery', () => {
  it('is the list filter without paging, with the language of the headings', () => {
    expect(filterToExportQuery({ region: '330106', classes: ['C', 'D'], minScore: 60 }, 'en-US')).toEqual({
      region: '330106',
      class: ['C', 'D'],
      minScore: 60,
      lang: 'en-US',
    });
    expect(filterToExportQuery({ classes: [] }, 'zh-CN')).toEqual({ lang: 'zh-CN' });
  });
});
