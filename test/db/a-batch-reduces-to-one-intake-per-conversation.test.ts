import { describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/db/schema.ts';
import { summarizeWrites } from '../../src/db/sqlite/summarize-writes.ts';

function write(id: string, conversation: string, timestamp: number, direction: 'inbound' | 'outbound', now = 1000) {
  const row = { id, conversation_id: conversation, timestamp, direction, type: 'text', updated_at: now } as NewMessage;
  return { row, previewText: `text of ${id}`, events: [] };
}

describe('summarizeWrites (SQLite reduces a batch before the summary rule)', () => {
  it('counts each conversation once, with its newest message, the later of equal timestamps', () => {
    expect(summarizeWrites([write('a', 'c1', 10, 'inbound'), write('b', 'c1', 20, 'outbound'), write('c', 'c1', 20, 'inbound'), write('d', 'c1', 5, 'inbound')])).toEqual([
      { conversation_id: 'c1', count: 4, at: 20_000, last_id: 'c', last_type: 'text', last_text: 'text of c', inbound_at: 20_000, outbound_at: 20_000, now: 1000 },
    ]);
  });

  it('keeps each direction to its own newest time, null when the batch has none', () => {
    const [intake] = summarizeWrites([write('a', 'c1', 30, 'outbound'), write('b', 'c1', 10, 'outbound')]);
    expect(intake).toMatchObject({ inbound_at: null, outbound_at: 30_000, last_id: 'a' });
  });

  it('keeps conversations apart, in the order first stored, with the latest time of each', () => {
    const intakes = summarizeWrites([write('a', 'c2', 10, 'inbound', 7), write('b', 'c1', 10, 'inbound', 3), write('c', 'c2', 5, 'inbound', 9)]);
    expect(intakes.map((i) => [i.conversation_id, i.count, i.last_id, i.now])).toEqual([['c2', 2, 'a', 9], ['c1', 1, 'b', 3]]);
  });
});
