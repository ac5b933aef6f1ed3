import type { Command } from 'commander';
import { refreshMessagingLimitUnlessSet } from '../tenants/messaging-limit-at-meta.ts';
import { findPhoneNumber, findProject, listPhoneNumbers } from '../tenants/store.ts';
import { addPhoneNumber, presentPhoneNumber, TenancyError } from '../tenants/tenancy.ts';
import { registerNumberChangeCommands } from './numbers-change.ts';
import { output, withDeps } from './context.ts';
import { readSecretOption } from './secret-input.ts';

interface AddOptions {
  project: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken?: string;
  accessTokenFile?: string;
  appSecret?: string;
  appSecretFile?: string;
  verifyToken: string;
  messagingLimit?: string;
  json?: boolean;
}

/** `switchboard numbers add …`, `switchboard numbers list [--project ID]`, `numbers update|remove …` */
export function registerNumberCommands(program: Command): void {
  const numbers = program.command('numbers').description('manage Meta phone numbers');
  numbers
    .command('add')
    .description('register a Meta phone number (secrets are encrypted at rest)')
    .requiredOption('--project <id>', 'owning project id')
    .requiredOption('--phone-number-id <id>', "Meta's phone_number_id")
    .requiredOption('--display-phone-number <e164>', 'the number as customers see it')
    .requiredOption('--waba-id <id>', 'WhatsApp Business Account id')
    .option('--access-token <token>', 'Meta access token used to send (visible in ps: prefer --access-token-file)')
    .option('--access-token-file <path>', 'read the access token from a file, or from standard input with -')
    .option('--app-secret <secret>', 'Meta app secret, verifies X-Hub-Signature-256 (prefer --app-secret-file)')
    .option('--app-secret-file <path>', 'read the app secret from a file, or from standard input with -')
    .requiredOption('--verify-token <token>', 'verify token typed into the webhook settings')
    .option('--messaging-limit <tier>', 'new customers per 24 h (TIER_250, 2000, unlimited…) instead of reading it from Meta')
    .option('--json', 'print one JSON object')
    .action(async (o: AddOptions) => {
      if (o.accessTokenFile === '-' && o.appSecretFile === '-') throw new TenancyError('only one of --access-token-file and --app-secret-file can be - (standard input)');
      const accessToken = readSecretOption('access-token', o.accessToken, o.accessTokenFile);
      const appSecret = readSecretOption('app-secret', o.appSecret, o.appSecretFile);
      const phoneNumber = await withDeps(async (deps) => {
        const added = await addPhoneNumber(deps, {
          projectId: o.project,
          phoneNumberId: o.phoneNumberId,
          displayPhoneNumber: o.displayPhoneNumber,
          wabaId: o.wabaId,
          accessToken,
          appSecret,
          verifyToken: o.verifyToken,
          // `meta` is what adding does anyway.
          ...(o.messagingLimit !== undefined && o.messagingLimit !== 'meta' ? { messagingLimit: o.messagingLimit } : {}),
        });
        // Never fails the add: an unreadable tier is a warning and stays unknown.
        const unread = await refreshMessagingLimitUnlessSet(deps, added.id);
        if (unread !== null) {
          console.error(`switchboard: warning: the messaging limit of ${added.id} could not be read from Meta (${unread}); it stays unknown (SEND_DEFAULT_MESSAGING_LIMIT applies) until read again or set with numbers update --messaging-limit`);
        }
        const row = await findPhoneNumber(deps.database.db, added.id);
        return row ? presentPhoneNumber(row) : added;
      });
      output(!!o.json, { phone_number: phoneNumber }, `phone number ${phoneNumber.id} added to project ${phoneNumber.project_id}`);
    });
  numbers
    .command('list')
    .description('list registered phone numbers')
    .option('--project <id>', 'only this project')
    .option('--json', 'print one JSON object')
    .action(async (o: { project?: string; json?: boolean }) => {
      const rows = await withDeps(async (deps) => {
        if (o.project !== undefined && !(await findProject(deps.database.db, o.project))) throw new TenancyError(`no project ${o.project}`);
        return listPhoneNumbers(deps.database.db, o.project);
      });
      const phoneNumbers = rows.map(presentPhoneNumber);
      const lines = phoneNumbers.map((n) => `${n.id}  ${n.display_phone_number}  waba ${n.waba_id}  project ${n.project_id}`);
      output(!!o.json, { phone_numbers: phoneNumbers }, lines.join('\n') || 'no phone numbers');
    });
  registerNumberChangeCommands(numbers);
}
