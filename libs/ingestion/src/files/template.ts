// Templates of source profiles: "INS-{Inspection_ID}" puts the column's trimmed value in place of
// {Inspection_ID}; "{{" and "}}" stand for literal braces.

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

// A template part: literal text or a column reference.
export type TemplatePart = { text: string; column?: undefined } | { column: string; text?: undefined };

export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && template[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (c === '{') {
      const end = template.indexOf('}', i + 1);
      if (end < 0)
        throw new TemplateSyntaxError(`unclosed { at position ${i + 1} (write {{ for a literal brace)`);
      const column = template.slice(i + 1, end);
      if (column === '') throw new TemplateSyntaxError(`empty {} at position ${i + 1}`);
      if (column.includes('{')) throw new TemplateSyntaxError(`nested { at position ${i + 1}`);
      if (text) parts.push({ text });
      text = '';
      parts.push({ column });
      i = end + 1;
    } else if (c === '}') {
      throw new TemplateSyntaxError(`unmatched } at position ${i + 1} (write }} for a literal brace)`);
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push({ text });
  return parts;
}
