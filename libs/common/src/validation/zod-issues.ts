import type { z } from 'zod';

// One wording for every validation problem, wherever it is checked (API bodies and queries, records,
// source profiles, rules, scorecards, case types, accounts): "<path>: <message>", with the path written
// as in the document ('outputs[0].entity.scheme') and zod's generic messages put in plain words.

type Issue = z.core.$ZodIssue;

export interface IssueFormat {
  // What an issue about the whole input is called ('body', 'query'); '(root)' by default.
  root?: string;
  // Path segments the issues' paths are relative to (a record's kind sub-object: ['penalty']).
  prefix?: readonly PropertyKey[];
}

// 'finding.keyFields[0]': array indices in brackets, object keys joined with dots.
export function formatIssuePath(path: readonly PropertyKey[], root = '(root)'): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? root : out;
}

// zod's wording for a missing field and an unknown key says what the schema saw; staff need what to do.
export function issueMessage(issue: Issue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'is required';
  return issue.message;
}

export function formatZodIssues(
  error: z.ZodError | { readonly issues: readonly Issue[] },
  format: IssueFormat = {},
): string[] {
  const prefix = format.prefix ?? [];
  return error.issues.map(
    (issue) => `${formatIssuePath([...prefix, ...issue.path], format.root)}: ${issueMessage(issue)}`,
  );
}
