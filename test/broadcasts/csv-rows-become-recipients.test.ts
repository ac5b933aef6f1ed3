import { describe, expect, it } from 'vitest';
import { parseCsv, recipientsFromCsv } from '../../src/broadcasts/csv-recipients.ts';
import type { StoredTemplate } from '../../src/broadcasts/template.ts';

const template = (format: 'NAMED' | 'POSITIONAL', components: Array<Record<string, unknown>>): StoredTemplate => ({ id: '1', name: 't', language: 'en_US', category: 'MARKETING', status: 'APPROVED', parameter_format: format, components });

describe('recipients from a CSV file', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi""\nthere"\r\n\r\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere']]);
  });

  it('maps named variables, a media header and a URL button to Meta components', () => {
    const t = template('NAMED', [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Hi {{first_name}}' }, { type: 'BUTTONS', buttons: [{ type: 'URL', url: 'https://x.example/{{1}}' }] }]);
    const csv = 'phone_number,first_name,header.image,button.0\n+14155550101,Maya,https://cdn.example/a.png,abc\n';
    expect(recipientsFromCsv(csv, t)).toEqual([
      {
        phone_number: '+14155550101',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/a.png' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Maya', parameter_name: 'first_name' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'abc' }] },
        ],
      },
    ]);
  });

  it('takes a components column as Meta JSON as it is', () => {
    const t = template('POSITIONAL', [{ type: 'BODY', text: 'Hi {{1}}' }]);
    expect(recipientsFromCsv('phone_number,components\n1415,"[{""type"":""body"",""parameters"":[]}]"\n', t)).toEqual([{ phone_number: '1415', components: [{ type: 'body', parameters: [] }] }]);
  });

  it('refuses a file without a phone_number column', () => {
    expect(() => recipientsFromCsv('number,name\n1,a\n', template('POSITIONAL', []))).toThrow('phone_number');
  });
});
