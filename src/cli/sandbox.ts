import type { Command } from 'commander';
import { ensureSandbox } from '../sandbox/ensure-sandbox.ts';
import { output, withDeps } from './context.ts';

/** `switchboard sandbox [--json]`: the sandbox's details, creating it when there is none. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('print the sandbox project, key and number (created on first use when no real number exists)')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const details = await withDeps((deps) => ensureSandbox(deps, { create: true }));
      if (!details) {
        console.error('switchboard: real phone numbers are configured, so there is no sandbox');
        process.exit(1);
      }
      output(
        !!o.json,
        details,
        `sandbox project ${details.project.id}\napi key: ${details.api_key}\nphone number id: ${details.phone_number.id}\ncustomer: ${details.customer_wa_id}`,
      );
    });
}
