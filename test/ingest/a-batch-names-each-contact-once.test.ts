import { describe, expect, it } from 'vitest';
import { mergeContactInputs } from '../../src/contacts/store.ts';

describe('mergeContactInputs', () => {
  it('keeps one input per customer, with the last name given and the latest time, sorted by customer', () => {
    expect(
      mergeContactInputs([
        { phoneNumberId: 'n1', waId: '2', profileName: 'Bo', now: 5 },
        { phoneNumberId: 'n1', waId: '1', profileName: 'Al', now: 1 },
        { phoneNumberId: 'n1', waId: '2', profileName: null, now: 7 },
        { phoneNumberId: 'n1', waId: '1', profileName: 'Alan', now: 3 },
        { phoneNumberId: 'n0', waId: '9', profileName: null, now: 2 },
      ]),
    ).toEqual([
      { phoneNumberId: 'n0', waId: '9', profileName: null, now: 2 },
      { phoneNumberId: 'n1', waId: '1', profileName: 'Alan', now: 3 },
      { phoneNumberId: 'n1', waId: '2', profileName: 'Bo', now: 7 },
    ]);
  });
});
