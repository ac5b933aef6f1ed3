import { ClockIcon } from './icons.tsx';

/** WhatsApp's delivery ticks: ✓ sent, ✓✓ delivered, blue ✓✓ read, a clock while pending, ! failed. */
export function StatusTicks({ status }: { status: string | null | undefined }) {
  switch (status) {
    case 'sent':
      return (
        <span className="ticks" role="img" aria-label="Sent">
          ✓
        </span>
      );
    case 'delivered':
      return (
        <span className="ticks" role="img" aria-label="Delivered">
          ✓✓
        </span>
      );
    case 'read':
      return (
        <span className="ticks read" role="img" aria-label="Read">
          ✓✓
        </span>
      );
    case 'failed':
      return (
        <span className="ticks failed" role="img" aria-label="Failed">
          !
        </span>
      );
    case 'pending':
    case 'accepted':
      return (
        <span className="ticks" role="img" aria-label="Pending">
          <ClockIcon />
        </span>
      );
    default:
      return null;
  }
}
