/**
 * What `backup` and `restore` say on PostgreSQL, where they copy nothing: PostgreSQL's own tools
 * do it properly (a consistent dump of a live database, parallel restore). Pure. The URL is
 * printed without its password, which pg_dump and pg_restore read from PGPASSWORD or ~/.pgpass.
 */
export interface PostgresAdvice {
  /** The command line to run, ready to paste. */
  command: string;
  /** Lines that go with it. */
  notes: string[];
}

/** `pg_dump --format=custom` of the database (and the `?schema=` schema alone) into `file`. */
export function pgDumpAdvice(databaseUrl: string, file: string): PostgresAdvice {
  const { url, schema } = withoutSecrets(databaseUrl);
  const command = ['pg_dump', '--format=custom', `--file=${shellQuote(file)}`, ...(schema ? [`--schema=${shellQuote(schema)}`] : []), shellQuote(url)].join(' ');
  return { command, notes: [passwordNote] };
}

/** `pg_restore` of such a dump into the (empty) database the URL names, then the migrations. */
export function pgRestoreAdvice(databaseUrl: string, file: string): PostgresAdvice {
  const { url } = withoutSecrets(databaseUrl);
  const command = ['pg_restore', '--exit-on-error', '--no-owner', `--dbname=${shellQuote(url)}`, shellQuote(file)].join(' ');
  return { command, notes: [passwordNote, 'restore into an empty database (or one without the schema); then run `switchboard migrate` if the dump is from an older version'] };
}

const passwordNote = 'the password is not shown: pg_dump and pg_restore read it from PGPASSWORD or ~/.pgpass';

/** The URL with no password and no `schema` parameter (ours, which libpq does not know). */
function withoutSecrets(databaseUrl: string): { url: string; schema: string | null } {
  const parsed = new URL(databaseUrl);
  parsed.password = '';
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

/** Single-quotes a word for a POSIX shell unless it is plainly safe. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
