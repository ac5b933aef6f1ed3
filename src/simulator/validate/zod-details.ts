import type { z } from 'zod';
import type { GraphError } from '../../http/errors.ts';
import { simErrors } from '../graph-errors.ts';

/** Renders a path the way Meta's error details do: `interactive['action']['buttons'][0]`. */
export function formatParam(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}['${String(key)}']`;
  }, root);
}

/**
 * Turns a zod issue into Meta's wording for code 100 details (meta-cloud-api.md §4.1: details
 * name the bad parameter): missing → "The parameter X is required.", too long → "Param X must
 * be at most N characters long.", and so on.
 */
export function describeIssue(root: string, issue: z.core.$ZodIssue): string {
  const param = formatParam(root, issue.path);
  // Our own refinements and regexes carry Meta-style wording with a `{param}` placeholder.
  if (issue.message.includes('{param}')) return issue.message.replace('{param}', param);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `The parameter ${param} is required.` : `Param ${param} must be a ${expectedName(issue.expected)}.`;
    case 'too_big':
      if (issue.origin === 'string') return `Param ${param} must be at most ${issue.maximum} characters long.`;
      if (issue.origin === 'array') return `Param ${param} must have at most ${issue.maximum} elements.`;
      return `Param ${param} must be at most ${issue.maximum}.`;
    case 'too_small':
      if (issue.origin === 'string') return `Param ${param} must be at least ${issue.minimum} characters long.`;
      if (issue.origin === 'array') return `Param ${param} must have at least ${issue.minimum} elements.`;
      return `Param ${param} must be at least ${issue.minimum}.`;
    case 'unrecognized_keys':
      return `Unexpected key "${issue.keys[0] ?? ''}" on param "${param}".`;
    case 'invalid_value':
      if (issue.input === undefined) return `The parameter ${param} is required.`;
      return `Param ${param} must be one of {${issue.values.map(String).join(', ')}} - got "${String(issue.input)}".`;
    case 'invalid_union':
      return describeUnion(param, issue);
    case 'invalid_format':
      return `Param ${param} is not a valid ${issue.format === 'regex' ? 'value' : issue.format}.`;
    default:
      return `Param ${param} is invalid: ${issue.message}`;
  }
}

/** A discriminated union names its discriminator (`interactive['type']`) like an enum. */
function describeUnion(param: string, issue: z.core.$ZodIssueInvalidUnion): string {
  const raw = issue as { discriminator?: string; options?: unknown[]; input?: unknown };
  if (!raw.discriminator || !raw.options) return `Param ${param} is invalid.`;
  const input = raw.input as Record<string, unknown> | undefined;
  const value = input && typeof input === 'object' ? input[raw.discriminator] : undefined;
  if (value === undefined) return `The parameter ${param} is required.`;
  return `Param ${param} must be one of {${raw.options.map(String).join(', ')}} - got "${String(value)}".`;
}

function expectedName(expected: string): string {
  return expected === 'object' ? 'JSON object' : expected === 'array' ? 'JSON array' : expected;
}

/** Parses `value` with `schema` or throws Meta's code-100 error for the first issue. */
export function parseParam<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw toError(root, issue);
}

function toError(root: string, issue: z.core.$ZodIssue | undefined): GraphError {
  return simErrors.invalidParameter(issue ? describeIssue(root, issue) : `Param ${root} is invalid.`);
}
