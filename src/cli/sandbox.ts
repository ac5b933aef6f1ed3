import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { storeCapabilities } from '../db/capabilities.ts';
import { ensureSandbox } from '../sandbox/ensure-sandbox.ts';
import { retireSandboxIfReplaced } from '../sandbox/retire.ts';
import { sandboxSignInUrl } from '../sandbox/sandbox-admin.ts';
import { output, withDeps } from './context.ts';

/**
 * `switchboard sandbox [--json]`: the sandbox's details, creating it when there is none. Only where
 * `serve` runs it (cli/serve.ts): on SQLite with SANDBOX on. Elsewhere it would be a number nothing
 * answers for, so the command refuses and says what to do instead.
 */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('print the sandbox project, key and number (created on first use when no real number exists)')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const refusal = sandboxUnavailable(loadConfig());
      if (refusal) {
        console.error(`switchboard: ${refusal}`);
        process.exit(1);
      }
      const { retired, details } = await withDeps(async (deps) => {
        const retirement = await retireSandboxIfReplaced(deps);
        const sandbox = retirement.retired ? null : await ensureSandbox(deps, { create: true });
        // A fresh one-time link to the team inbox each time (links are single-use).
        const signInUrl = sandbox ? await sandboxSignInUrl(deps, sandbox.project.id) : null;
        return { retired: retirement.retired, details: sandbox ? { ...sandbox, ...(signInUrl === null ? {} : { sign_in_url: signInUrl }) } : null };
      });
      if (retired) {
        console.error('switchboard: the sandbox was retired because a real phone number is registered; its API key is revoked');
        process.exit(1);
      }
      if (!details) {
        console.error('switchboard: real phone numbers are configured, so there is no sandbox');
        process.exit(1);
      }
      output(
        !!o.json,
        details,
        `sandbox project ${details.project.id}\napi key: ${details.api_key}\nphone number id: ${details.phone_number.id}\ncustomer: ${details.customer_wa_id}${details.sign_in_url ? `\nopen the inbox: ${details.sign_in_url}` : ''}`,
      );
    });
}

function sandboxUnavailable(config: ReturnType<typeof loadConfig>): string | null {
  if (!storeCapabilities(config.db.url).singleServingProcess) {
    return 'the sandbox runs only on the embedded SQLite store (its simulated Meta lives inside one serve process, and PostgreSQL deployments run several); on PostgreSQL register a number with `switchboard numbers add`, or point it at `switchboard simulator` to try it offline (docs/simulator.md)';
  }
  if (!config.sandbox) return 'SANDBOX=false: serve does not run the sandbox, so none is created; unset SANDBOX to use it';
  return null;
}
