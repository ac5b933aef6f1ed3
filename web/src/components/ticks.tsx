import type { ReactNode } from 'react';
import { ClockIcon } from './icons.tsx';

/** Each status's mark, its extra class and its accessible name. */
const TICKS: ReadonlyMap<string, { mark: ReactNode; className: string; label: string }> = new Map([
  ['sent', { mark: '✓', className: 'ticks', label: 'Sent' }],
  ['delivered', { mark: '✓✓', className: 'ticks', label: 'Delivered' }],
  ['read', { mark: '✓✓', className: 'ticks read', label: 'Read' }],
  ['failed', { mark: '!', className: 'ticks failed', label: 'Failed' }],
  ['pending', { mark: <ClockIcon />, className: 'ticks', label: 'Pending' }],
  ['accepted', { mark: <ClockIcon />, className: 'ticks', label: 'Pending' }],
]);

/** WhatsApp's delivery ticks: ✓ sent, ✓✓ delivered, blue ✓✓ read, a clock while pending, ! failed. */
export function StatusTicks({ status }: { status: string | null | undefined }) {
  const ticks = status ? TICKS.get(status) : undefined;
  if (!ticks) return null;
  return (
    <span className={ticks.className} role="img" aria-label={ticks.label}>
      {ticks.mark}
    </span>
  );
}
