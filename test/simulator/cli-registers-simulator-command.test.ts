import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulatorCommand } from '../../src/simulator/cli.ts';

describe('switchboard simulator command', () => {
  it('registers the simulator command with its options and defaults', () => {
    const program = new Command();
    registerSimulatorCommand(program);
    const command = program.commands.find((c) => c.name() === 'simulator');
    expect(command).toBeDefined();
    expect(command?.options.map((o) => o.long)).toEqual([
      '--port',
      '--host',
      '--webhook-url',
      '--seed',
      '--public-url',
      '--log-level',
      '--max-mps',
      '--no-pair-rate',
      '--no-window',
      '--batch-window-ms',
      '--batch-max-items',
      '--delivery-concurrency',
      '--bsuid-share',
      '--hidden-phone-share',
    ]);
    // Meta's limits are on unless a flag lifts them.
    expect(command?.opts()).toMatchObject({ port: '4000', host: '127.0.0.1', logLevel: 'info', pairRate: true, window: true });
  });
});
