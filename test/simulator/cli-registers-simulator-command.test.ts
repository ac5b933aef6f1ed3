import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { optionsFromFlags, registerSimulatorCommand, type SimulatorCliOptions } from '../../src/simulator/cli.ts';

function simulatorCommand(): Command {
  const program = new Command();
  registerSimulatorCommand(program);
  const command = program.commands.find((c) => c.name() === 'simulator');
  if (!command) throw new Error('no simulator command');
  return command;
}

/** The flags as commander reads them from `argv`, without running the command. */
function flags(argv: string[]): SimulatorCliOptions {
  const command = simulatorCommand();
  command.parseOptions(argv);
  return command.opts<SimulatorCliOptions>();
}

describe('switchboard simulator command', () => {
  it('registers the simulator command with its options and defaults', () => {
    const command = simulatorCommand();
    expect(command.options.map((o) => o.long)).toEqual([
      '--port',
      '--host',
      '--webhook-url',
      '--seed',
      '--public-url',
      '--log-level',
      '--max-mps',
      '--webhook-attempts',
      '--no-pair-rate',
      '--no-window',
      '--batch-window-ms',
      '--batch-max-items',
      '--delivery-concurrency',
      '--realistic-statuses',
      '--opt-out-share',
      '--unknown-share',
      '--answer-share',
      '--bsuid-share',
      '--hidden-phone-share',
    ]);
    // Meta's limits are on unless a flag lifts them.
    expect(command.opts()).toMatchObject({ port: '4000', host: '127.0.0.1', logLevel: 'info', pairRate: true, window: true });
  });

  it('leaves every simulator default alone when no flag is given', () => {
    expect(optionsFromFlags(flags([]))).toEqual({});
  });

  it("turns Meta's sending rules and the customers' behaviour flags into simulator options", () => {
    const argv = ['--max-mps', '1000', '--realistic-statuses', '--opt-out-share', '0.05', '--unknown-share', '0.02', '--answer-share', '0.3', '--no-pair-rate'];
    expect(optionsFromFlags(flags(argv))).toEqual({
      maxMessagesPerSecond: 1000,
      realisticStatuses: true,
      marketingOptOutShare: 0.05,
      notOnWhatsAppShare: 0.02,
      answerShare: 0.3,
      pairRateLimit: false,
    });
  });

  it.each([
    [['--opt-out-share', '1.5'], '--opt-out-share must be a number between 0 and 1, got 1.5'],
    [['--unknown-share', 'many'], '--unknown-share must be a number between 0 and 1, got many'],
    [['--answer-share', '-0.1'], '--answer-share must be a number between 0 and 1, got -0.1'],
    [['--max-mps', '2.5'], '--max-mps must be a non-negative integer, got 2.5'],
  ])('refuses %j', (argv, message) => {
    expect(() => optionsFromFlags(flags(argv))).toThrow(message);
  });
});
