import { renderBar } from './broadcast-progress.ts';

/*
 * How `backup` and `restore` show sizes and progress, pure.
 */

/** `812 B`, `4.1 MB`, `1.73 GB`: decimal units, as `ls -h --si` and disk vendors count. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

/** The live line a terminal shows while the database is copied: `backup [#####.....]  52%  212/408 MB`. */
export function backupProgressLine(copiedPages: number, totalPages: number, pageSize: number, columns: number): string {
  const percent = totalPages <= 0 ? 0 : Math.min(100, Math.floor((copiedPages * 100) / totalPages));
  const sizes = `${formatBytes(copiedPages * pageSize)}/${formatBytes(totalPages * pageSize)}`;
  const fixed = `backup   ${String(percent).padStart(3)}%  ${sizes}`.length + 2;
  const cells = Math.max(10, Math.min(40, columns - fixed - 1));
  return `backup ${renderBar(copiedPages, totalPages, cells)} ${String(percent).padStart(3)}%  ${sizes}`;
}

/** `a message` / `12 messages`, with thousands separated. */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
