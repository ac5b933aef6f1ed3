import type { Command } from 'commander';
import { GraphError } from '../http/errors.ts';
import { removePhoneNumber, updatePhoneNumber, type PhoneNumberChanges } from '../tenants/manage-numbers.ts';
import { presentPhoneNumber, TenancyError } from '../tenants/tenancy.ts';
import { output, withDeps } from './context.ts';
import { readSecretOption } from './secret-input.ts';

interface UpdateOptions {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  wabaId?: string;
  accessToken?: string;
  accessTokenFile?: string;
  appSecret?: string;
  appSecretFile?: string;
  verifyToken?: string;
  maxMessagesPerSecond?: string;
  messagingLimit?: string;
  json?: boolean;
}

/** `--max-messages-per-second`: a number, or `default` (checked with the other fields). */
function sendRateOption(value: string): number | null {
  if (value === 'default') return null;
  if (!/^\d{1,5}$/.test(value)) throw new TenancyError("--max-messages-per-second must be a whole number from 1 to 1000, or 'default'");
  return Number(value);
}

/** `--messaging-limit`: `default` forgets it (null); anything else is checked with the other fields. */
function messagingLimitOption(value: string): string | null {
  return value === 'default' ? null : value;
}

/** A secret given as a flag or a file, or undefined when neither is (left as it is). */
function optionalSecret(name: string, value: string | undefined, file: string | undefined): string | undefined {
  return value === undefined && file === undefined ? undefined : readSecretOption(name, value, file);
}

/** `switchboard numbers update …` and `switchboard numbers remove …` (a number's token rotated, a number retired). */
export function registerNumberChangeCommands(numbers: Command): void {
  numbers
    .command('update')
    .description("replace a number's access token, app secret, verify token, display number or WABA id")
    .requiredOption('--phone-number-id <id>', "Meta's phone_number_id of a registered number")
    .option('--display-phone-number <e164>', 'the number as customers see it (E.164)')
    .option('--waba-id <id>', 'WhatsApp Business Account id')
    .option('--access-token <token>', 'a new Meta access token (visible in ps: prefer --access-token-file)')
    .option('--access-token-file <path>', 'read the access token from a file, or from standard input with -')
    .option('--app-secret <secret>', 'a new Meta app secret (prefer --app-secret-file)')
    .option('--app-secret-file <path>', 'read the app secret from a file, or from standard input with -')
    .option('--verify-token <token>', 'a new verify token typed into the webhook settings')
    .option('--max-messages-per-second <n>', "the rate sends to Meta are paced to (1-1000), or 'default' for SEND_DEFAULT_MPS")
    .option('--messaging-limit <tier>', "new customers per 24 h: TIER_250, TIER_2K…, 250, 2000, 10000, 100000, unlimited; 'meta' reads it from Meta, 'default' forgets it")
    .option('--json', 'print one JSON object')
    .action(async (o: UpdateOptions) => {
      if (o.accessTokenFile === '-' && o.appSecretFile === '-') throw new TenancyError('only one of --access-token-file and --app-secret-file can be - (standard input)');
      const changes: PhoneNumberChanges = {
        displayPhoneNumber: o.displayPhoneNumber,
        wabaId: o.wabaId,
        accessToken: optionalSecret('access-token', o.accessToken, o.accessTokenFile),
        appSecret: optionalSecret('app-secret', o.appSecret, o.appSecretFile),
        verifyToken: o.verifyToken,
        maxMessagesPerSecond: o.maxMessagesPerSecond === undefined ? undefined : sendRateOption(o.maxMessagesPerSecond),
        messagingLimit: o.messagingLimit === undefined ? undefined : messagingLimitOption(o.messagingLimit),
      };
      if (Object.values(changes).every((v) => v === undefined)) {
        throw new TenancyError('nothing to update: give at least one of --display-phone-number, --waba-id, --access-token(-file), --app-secret(-file), --verify-token, --max-messages-per-second, --messaging-limit');
      }
      const row = await withDeps((deps) => updatePhoneNumber(deps, o.phoneNumberId, changes)).catch((err: unknown) => {
        // Meta could not say (`--messaging-limit meta`): the other changes are made, the limit stays.
        if (err instanceof GraphError) throw new TenancyError(`the messaging limit could not be read from Meta: ${err.details ?? err.message}`);
        throw err;
      });
      if (!row) throw new TenancyError(`no phone number ${o.phoneNumberId}`);
      const phoneNumber = presentPhoneNumber(row);
      output(!!o.json, { phone_number: phoneNumber }, `phone number ${phoneNumber.id} updated`);
    });
  numbers
    .command('remove')
    .description('remove a number: it stops sending and receiving at once; say whether its history is kept or deleted')
    .requiredOption('--phone-number-id <id>', "Meta's phone_number_id of a registered number")
    .option('--keep-history', "keep its messages, conversations, contacts and media (still the project's; the project can add the number again)")
    .option('--delete-history', 'delete its messages, statuses, conversations, contacts, media and webhook events too')
    .option('--json', 'print one JSON object')
    .action(async (o: { phoneNumberId: string; keepHistory?: boolean; deleteHistory?: boolean; json?: boolean }) => {
      if (!!o.keepHistory === !!o.deleteHistory) throw new TenancyError('say what happens to its history: give exactly one of --keep-history and --delete-history');
      const history = o.keepHistory ? 'kept' : 'deleted';
      const removed = await withDeps((deps) => removePhoneNumber(deps, o.phoneNumberId, history));
      if (!removed) throw new TenancyError(`no phone number ${o.phoneNumberId}`);
      output(!!o.json, { removed: true, history }, `phone number ${o.phoneNumberId} removed; its history ${history === 'kept' ? 'is kept' : 'was deleted'}`);
    });
}
