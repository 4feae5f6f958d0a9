import type { Widen } from './zh-CN';

// 关联主体: the profile's list of the entities sharing the legal representative or the address.
export const relatedZhCN = {
  listTitle: '关联主体名单',
  tableLabel: '关联主体名单（被标记的在前，其次按评分从高到低）',
  col: {
    name: '主体',
    relation: '关联关系',
    legalRep: '法定代表人',
    class: '风险分类',
    score: '评分',
  },
  relation: { legal_rep: '同一法定代表人', address: '同一住所', both: '同一法定代表人及住所' },
  flagged: '被标记',
  unscored: '未评分',
  none: '辖区内没有与其共用法定代表人或住所的主体',
  shown: '显示 {shown} 家，共 {total} 家',
  outside: '另有 {count} 家在您的辖区以外（不予显示）',
  separator: '；',
};

export const relatedEnUS: Widen<typeof relatedZhCN> = {
  listTitle: 'Related entities',
  tableLabel: 'Related entities (flagged first, then by score, highest first)',
  col: {
    name: 'Entity',
    relation: 'Relation',
    legalRep: 'Legal representative',
    class: 'Risk class',
    score: 'Score',
  },
  relation: {
    legal_rep: 'Same legal representative',
    address: 'Same address',
    both: 'Same legal representative and address',
  },
  flagged: 'Flagged',
  unscored: 'Not scored',
  none: 'No entity in your jurisdiction shares its legal representative or address',
  shown: '{shown} shown of {total}',
  outside: '{count} more outside your jurisdiction (not shown)',
  separator: '; ',
};
