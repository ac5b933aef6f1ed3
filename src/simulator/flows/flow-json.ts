import type { FlowValidationError } from '../state.ts';

/** What the simulator reads of a Flow JSON: its versions and what is wrong with it. */
export interface FlowJsonCheck {
  validationErrors: FlowValidationError[];
  version?: string;
  dataApiVersion?: string;
}

/**
 * Checks the part of a Flow JSON's structure every flow needs (Flow JSON reference): a string
 * `version`, and a non-empty `screens` array whose screens have an `id` of letters and
 * underscores and a `SingleColumnLayout` `layout` with `children`. Component rules are Meta's and
 * not reproduced. Errors come in Meta's `validation_errors` shape, located at the offending key
 * in the text (line and column start at 1). Pure.
 */
export function checkFlowJson(text: string): FlowJsonCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { validationErrors: [issue(text, 'INVALID_JSON', `Flow JSON is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, '')] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { validationErrors: [issue(text, 'INVALID_PROPERTY_VALUE', 'Flow JSON must be an object.', '')] };
  const flow = json as Record<string, unknown>;
  const errors: FlowValidationError[] = [];
  if (typeof flow.version !== 'string') errors.push(issue(text, 'MISSING_REQUIRED_PROPERTY', "Missing required property 'version'.", 'version'));
  if (!Array.isArray(flow.screens) || flow.screens.length === 0) {
    errors.push(issue(text, 'MISSING_REQUIRED_PROPERTY', "Property 'screens' must be a non-empty array.", 'screens'));
  } else {
    flow.screens.forEach((screen: unknown, i: number) => errors.push(...checkScreen(text, screen, i)));
  }
  return {
    validationErrors: errors,
    ...(typeof flow.version === 'string' ? { version: flow.version } : {}),
    ...(typeof flow.data_api_version === 'string' ? { dataApiVersion: flow.data_api_version } : {}),
  };
}

function checkScreen(text: string, screen: unknown, index: number): FlowValidationError[] {
  const at = `screens[${index}]`;
  if (typeof screen !== 'object' || screen === null) return [issue(text, 'INVALID_PROPERTY_VALUE', `${at} must be an object.`, at)];
  const s = screen as { id?: unknown; layout?: { type?: unknown; children?: unknown } };
  const errors: FlowValidationError[] = [];
  if (typeof s.id !== 'string' || !/^[A-Za-z_]+$/.test(s.id)) errors.push(issue(text, 'INVALID_PROPERTY_VALUE', `Invalid value found for property 'id' of ${at}: letters and underscores only.`, `${at}.id`));
  if (typeof s.layout !== 'object' || s.layout === null) {
    errors.push(issue(text, 'MISSING_REQUIRED_PROPERTY', `Missing required property 'layout' of ${at}.`, `${at}.layout`));
  } else {
    if (s.layout.type !== 'SingleColumnLayout') errors.push(issue(text, 'INVALID_PROPERTY_VALUE', "Invalid value found for property 'type'.", `${at}.layout.type`));
    if (!Array.isArray(s.layout.children)) errors.push(issue(text, 'MISSING_REQUIRED_PROPERTY', `Missing required property 'children' of ${at}.layout.`, `${at}.layout.children`));
  }
  return errors;
}

/** One validation error located at the first occurrence of the path's last key in the text. */
function issue(text: string, error: string, message: string, path: string): FlowValidationError {
  const key = /([A-Za-z_]+)\]?$/.exec(path.replace(/\[\d+\]$/, ''))?.[1];
  const offset = key ? text.indexOf(`"${key}"`) : -1;
  const before = offset < 0 ? '' : text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset < 0 ? 1 : offset - before.lastIndexOf('\n');
  const end = column + (key ? key.length + 2 : 1) - 1;
  const where = { line_start: line, line_end: line, column_start: column, column_end: end };
  return { error, error_type: 'FLOW_JSON_ERROR', message, ...where, pointers: [{ ...where, path }] };
}
