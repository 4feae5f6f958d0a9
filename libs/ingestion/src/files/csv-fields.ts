// Splits the decoded text of one complete CSV record into fields (RFC 4180 quoting: a field that opens
// with the quote runs to the closing quote, "" inside it is one quote; a quote inside an unquoted field is
// an ordinary character).

export type FieldSplit = { fields: string[]; error?: undefined } | { error: string; fields?: undefined };

export function splitCsvFields(text: string, delimiter: string, quote: string): FieldSplit {
  if (quote === '' || !text.includes(quote)) return { fields: text.split(delimiter) };
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text[i] === quote) {
      // quoted field
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf(quote, from);
        if (q < 0) return { error: `column ${fields.length + 1}: a quoted field is not closed` };
        if (text[q + 1] === quote) {
          value += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i >= n) return { fields };
      if (text[i] !== delimiter)
        return {
          error: `column ${fields.length}: unexpected text after the closing quote (${JSON.stringify(text.slice(i, i + 20))}); quotes inside a quoted field must be doubled`,
        };
      i++;
    } else {
      const d = text.indexOf(delimiter, i);
      if (d < 0) {
        fields.push(text.slice(i));
        return { fields };
      }
      fields.push(text.slice(i, d));
      i = d + 1;
    }
    if (i >= n) {
      fields.push('');
      return { fields };
    }
  }
}

// The CSV text of one row of cells (used as the raw text of XLSX rows).
export function joinCsvFields(cells: readonly string[], delimiter = ',', quote = '"'): string {
  return cells
    .map((c) =>
      c.includes(delimiter) || c.includes(quote) || c.includes('\n') || c.includes('\r')
        ? quote + c.split(quote).join(quote + quote) + quote
        : c,
    )
    .join(delimiter);
}
