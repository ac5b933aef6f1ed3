import type { ConversationFilter } from '../api/conversations.ts';
import type { PhoneNumber } from '../api/types.ts';

/** Active/Ended, Mine/Unassigned/Anyone and the number the list shows. */
export function Filters({ filter, numbers, onChange }: { filter: ConversationFilter; numbers: PhoneNumber[]; onChange: (filter: ConversationFilter) => void }) {
  return (
    <div className="filters">
      <select aria-label="Status" value={filter.status} onChange={(e) => onChange({ ...filter, status: e.target.value as ConversationFilter['status'] })}>
        <option value="active">Active</option>
        <option value="ended">Ended</option>
        <option value="all">All</option>
      </select>
      <select aria-label="Assigned to" value={filter.assigned} onChange={(e) => onChange({ ...filter, assigned: e.target.value as ConversationFilter['assigned'] })}>
        <option value="any">Anyone</option>
        <option value="me">Mine</option>
        <option value="unassigned">Unassigned</option>
      </select>
      {numbers.length > 1 && (
        <select aria-label="Number" value={filter.phoneNumberId} onChange={(e) => onChange({ ...filter, phoneNumberId: e.target.value })}>
          <option value="">All numbers</option>
          {numbers.map((n) => (
            <option key={n.id} value={n.id}>
              {n.display_phone_number}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
