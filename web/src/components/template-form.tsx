import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { listTemplates } from '../api/conversations.ts';
import type { SendBody } from '../api/messages.ts';
import type { Template } from '../api/types.ts';

interface Variable {
  component: 'header' | 'body';
  name: string;
}

const PLACEHOLDER = /\{\{\s*([\w]+)\s*\}\}/g;

/** The variables ({{1}} or {{name}}) of a template's text header and body, in order. */
export function templateVariables(template: Template): Variable[] {
  const variables: Variable[] = [];
  for (const component of template.components) {
    const kind = component.type.toLowerCase();
    if ((kind !== 'header' && kind !== 'body') || typeof component.text !== 'string') continue;
    if (kind === 'header' && component.format && component.format.toUpperCase() !== 'TEXT') continue;
    for (const match of component.text.matchAll(PLACEHOLDER)) {
      const name = match[1] ?? '';
      if (!variables.some((v) => v.component === kind && v.name === name)) variables.push({ component: kind, name });
    }
  }
  return variables;
}

/** The send body of a template with its variables filled (positional or named parameters). */
export function templateBody(template: Template, values: Record<string, string>): SendBody {
  const variables = templateVariables(template);
  const components = (['header', 'body'] as const)
    .map((kind) => {
      const own = variables.filter((v) => v.component === kind);
      if (own.length === 0) return null;
      const parameters = own.map((v) => ({ type: 'text', text: values[`${kind}:${v.name}`] ?? '', ...(/^\d+$/.test(v.name) ? {} : { parameter_name: v.name }) }));
      return { type: kind, parameters };
    })
    .filter((c) => c !== null);
  return { type: 'template', template: { name: template.name, language: { code: template.language }, ...(components.length > 0 ? { components } : {}) } };
}

/** Shows a template's text with the values typed so far. */
function preview(template: Template, values: Record<string, string>): string {
  return template.components
    .filter((c) => ['header', 'body', 'footer'].includes(c.type.toLowerCase()) && typeof c.text === 'string')
    .map((c) => (c.text ?? '').replace(PLACEHOLDER, (whole, name: string) => values[`${c.type.toLowerCase()}:${name}`] || whole))
    .join('\n\n');
}

/** Picks one of the number's approved templates and fills its variables. */
export function TemplateForm({ phoneNumberId, send }: { phoneNumberId: string; send(body: SendBody): Promise<boolean> }) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});

  useEffect(() => {
    listTemplates(phoneNumberId).then(
      (r) => {
        setTemplates(r.data);
        setSelected((s) => s || (r.data[0]?.id ?? ''));
      },
      (err: unknown) => setError(err instanceof Error ? err.message : 'Could not load templates'),
    );
  }, [phoneNumberId]);

  const template = templates?.find((t) => t.id === selected) ?? null;
  const variables = useMemo(() => (template ? templateVariables(template) : []), [template]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!template) return;
    if (await send(templateBody(template, values))) setValues({});
  }

  if (error) return <p className="error" role="alert">{error}</p>;
  if (!templates) return <p className="muted">Loading templates…</p>;
  if (templates.length === 0) return <p className="muted">This number has no approved templates.</p>;
  return (
    <form className="template-form" onSubmit={(e) => void submit(e)}>
      <label>
        Template
        <select value={selected} onChange={(e) => setSelected(e.target.value)}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.language})
            </option>
          ))}
        </select>
      </label>
      {variables.map((v) => {
        const key = `${v.component}:${v.name}`;
        return (
          <label key={key}>
            {v.component === 'header' ? 'Header ' : ''}
            {/^\d+$/.test(v.name) ? `Variable ${v.name}` : v.name}
            <input required value={values[key] ?? ''} onChange={(e) => setValues({ ...values, [key]: e.target.value })} />
          </label>
        );
      })}
      {template && <p className="template-preview">{preview(template, values)}</p>}
      <button type="submit" className="primary">
        Send template
      </button>
    </form>
  );
}
