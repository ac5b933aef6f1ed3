import { describe, expect, it } from 'vitest';
import { planStatuses, type StatusPlanInput } from '../../src/simulator/send/status-plan.ts';
import { pricingFor } from '../../src/simulator/send/status-item.ts';

const base: StatusPlanInput = {
  isReaction: false,
  isVoice: false,
  delays: { sent: 50, delivered: 150, read: 300 },
  reads: true,
  collapseDeliveredIntoRead: false,
};
const steps = (input: Partial<StatusPlanInput>) => planStatuses({ ...base, ...input }).map((s) => `${s.status}@${s.atMs}${s.billed ? '$' : ''}`);

describe('planStatuses (meta-cloud-api.md §1.7, §7.14)', () => {
  it.each<[string, Partial<StatusPlanInput>, string[]]>([
    ['a normal message', {}, ['sent@50$', 'delivered@150$', 'read@300']],
    ['a reaction', { isReaction: true }, ['sent@50$']],
    ['a voice note', { isVoice: true }, ['sent@50$', 'delivered@150$', 'read@300', 'played@300']],
    ['a customer who never reads', { reads: false }, ['sent@50$', 'delivered@150$']],
    ['a failure on acceptance', { failure: { after: 'accepted' } }, ['failed@50']],
    ['a failure after sent', { failure: { after: 'sent' } }, ['sent@50$', 'failed@150']],
    ['a failure after delivered', { failure: { after: 'delivered' } }, ['sent@50$', 'delivered@150$', 'failed@300']],
    ['simultaneous delivered and read, collapsed', { delays: { sent: 0, delivered: 10, read: 10 }, collapseDeliveredIntoRead: true }, ['sent@0$', 'read@10$']],
    ['simultaneous delivered and read, not collapsed', { delays: { sent: 0, delivered: 10, read: 10 } }, ['sent@0$', 'delivered@10$', 'read@10']],
    ['delays out of order', { delays: { sent: 100, delivered: 10, read: 5 } }, ['sent@100$', 'delivered@100$', 'read@100']],
  ])('plans %s', (_name, input, expected) => {
    expect(steps(input)).toEqual(expected);
  });
});

describe('pricingFor (§1.7, §5.5)', () => {
  it.each([
    [undefined, true, { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' }],
    ['UTILITY', true, { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' }],
    ['UTILITY', false, { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' }],
    ['MARKETING', true, { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' }],
  ])('prices category %s in window %s', (category, inWindow, pricing) => {
    expect(pricingFor(category, inWindow)).toEqual(pricing);
  });
});
