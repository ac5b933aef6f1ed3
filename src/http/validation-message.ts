/** One failed check of a request, as fastify-type-provider-zod reports a zod issue. */
export interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Says which parameter is wrong and how, as Meta does ("The parameter to is required.", "Param
 * type must be one of {…}"), rather than zod's bare "Invalid input". `where` is the part of the
 * request checked (`body`, `querystring`, `params`); nested fields are named with dots.
 */
export function describeValidationIssue(where: string, issue: ValidationIssue | undefined): { parameter: string; details: string } {
  const parameter = issue?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || where;
  const message = issue?.message ?? 'invalid';
  const params = issue?.params ?? {};
  if (issue?.keyword === 'invalid_type' && /received undefined$/.test(message)) return { parameter, details: `The parameter ${parameter} is required.` };
  if (issue?.keyword === 'invalid_type' && typeof params.expected === 'string') return { parameter, details: `Param ${parameter} must be ${article(params.expected)}.` };
  if (issue?.keyword === 'invalid_value' && Array.isArray(params.values)) {
    const values = params.values.map((v) => JSON.stringify(v));
    return { parameter, details: values.length === 1 ? `Param ${parameter} must be ${values[0] as string}.` : `Param ${parameter} must be one of {${values.join(', ')}}.` };
  }
  if (issue?.keyword === 'unrecognized_keys' && Array.isArray(params.keys)) {
    const prefix = parameter === where ? '' : `${parameter}.`;
    return { parameter, details: `Unknown parameter ${params.keys.map((k) => `${prefix}${String(k)}`).join(', ')}.` };
  }
  return { parameter, details: `Param ${parameter}: ${message.replace(/^Invalid input: /, '')}` };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
