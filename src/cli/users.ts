import type { Command } from 'commander';
import { MIN_PASSWORD_LENGTH } from '../tenants/member-fields.ts';
import { addMember, listMembers, type MemberView, removeMember, resetMember, signInLinkFor } from '../tenants/users.ts';
import { output, withDeps } from './context.ts';
import { readSecretOption } from './secret-input.ts';

interface PasswordOptions {
  password?: string;
  passwordFile?: string;
}

const PASSWORD_HELP = `password (at least ${MIN_PASSWORD_LENGTH} characters; visible in ps and shell history: prefer --password-file)`;
const PASSWORD_FILE_HELP = 'read the password from a file, or from standard input with -';

/** The password given by flag or file, or undefined for none (sign-in is then by a one-time link). */
function passwordOf(opts: PasswordOptions): string | undefined {
  if (opts.password === undefined && opts.passwordFile === undefined) return undefined;
  return readSecretOption('password', opts.password, opts.passwordFile);
}

const shown = (m: MemberView) => ({ id: m.id, email: m.email, role: m.role });

/** `switchboard users add|list|remove|reset`: the team inbox's members (docs/inbox-api.md). */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description("manage the team inbox's members");
  users
    .command('add')
    .description('add a member to a project; without a password, prints a one-time sign-in link')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--email <email>', 'email the member signs in with (unique over this gateway)')
    .requiredOption('--role <role>', 'admin or agent')
    .option('--password <password>', PASSWORD_HELP)
    .option('--password-file <path>', PASSWORD_FILE_HELP)
    .option('--json', 'print one JSON object')
    .action(async (opts: PasswordOptions & { project: string; email: string; role: string; json?: boolean }) => {
      const password = passwordOf(opts);
      const { member, link } = await withDeps(async (deps) => {
        const added = await addMember(deps, { projectId: opts.project, email: opts.email, role: opts.role, ...(password === undefined ? {} : { password }) });
        return { member: added, link: password === undefined ? await signInLinkFor(deps, added.id) : null };
      });
      printMember(!!opts.json, `added ${member.role} ${member.email} (${member.id}) to project ${member.project_id}`, member, link);
    });
  users
    .command('list')
    .description("list a project's members (never their passwords)")
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const members = await withDeps((deps) => listMembers(deps, opts.project));
      output(!!opts.json, { users: members.map(shown) }, members.map((m) => `${m.id}  ${m.email}  ${m.role}`).join('\n') || 'no members');
    });
  users
    .command('remove')
    .description('remove a member: their sessions end at once')
    .requiredOption('--email <email>', "the member's email (or id)")
    .option('--json', 'print one JSON object')
    .action(async (opts: { email: string; json?: boolean }) => {
      const member = await withDeps((deps) => removeMember(deps, opts.email));
      output(!!opts.json, { user: shown(member), removed: true }, `removed ${member.email} (${member.id}); their sessions have ended`);
    });
  users
    .command('reset')
    .description("reset a member's password and end their sessions; without a password, prints a one-time sign-in link")
    .requiredOption('--email <email>', "the member's email (or id)")
    .option('--password <password>', PASSWORD_HELP)
    .option('--password-file <path>', PASSWORD_FILE_HELP)
    .option('--json', 'print one JSON object')
    .action(async (opts: PasswordOptions & { email: string; json?: boolean }) => {
      const password = passwordOf(opts);
      const { member, link } = await withDeps(async (deps) => {
        const reset = await resetMember(deps, opts.email, password);
        return { member: reset, link: password === undefined ? await signInLinkFor(deps, reset.id) : null };
      });
      printMember(!!opts.json, `reset ${member.email} (${member.id}); their sessions have ended`, member, link);
    });
}

function printMember(json: boolean, summary: string, member: MemberView, link: string | null): void {
  const human = link === null ? summary : `${summary}\nsign in once within 24 h: ${link}`;
  output(json, { user: shown(member), ...(link === null ? {} : { sign_in_url: link }) }, human);
}
