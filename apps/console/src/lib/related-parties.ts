// 关联主体: what the profile's related-parties card says under its list, from the API's answer
// (at most 50 named within the caller's jurisdiction, `total` of them in all, `outside` counted only).
export interface RelatedSummary {
  // Nothing to list: no related entity within the jurisdiction.
  empty: boolean;
  // Fewer listed than there are: "{shown} shown of {total}".
  partial: { shown: number; total: number } | null;
  // Related entities outside the jurisdiction, never named (null: none).
  outside: number | null;
}

export function relatedSummary(r: {
  total: number;
  outside: number;
  items: readonly unknown[];
}): RelatedSummary {
  return {
    empty: r.items.length === 0,
    partial: r.items.length < r.total ? { shown: r.items.length, total: r.total } : null,
    outside: r.outside > 0 ? r.outside : null,
  };
}

// The other entity's legal representative is worth showing only where it is not the shared one.
export function showsLegalRep(relation: 'legal_rep' | 'address' | 'both'): boolean {
  return relation === 'address';
}
