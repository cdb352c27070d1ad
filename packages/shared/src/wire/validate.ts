import type { z } from 'zod';
import type { FieldIssue } from './errors.js';

/** zod issues as flat data, with cc-backend's wording for unknown keys (`unknown field "x"`). */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: path ? `${path}.${key}` : key, message: `unknown field "${key}"` });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
