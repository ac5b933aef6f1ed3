/**
 * The failure reason a media row carries once its file was pruned (`switchboard prune
 * --media-only`, retention/prune.ts): the message keeps its media entry, the bytes are gone for
 * good, so GET /media and the media metadata answer so instead of "not found", and
 * `media retry` leaves it alone (there is nothing at Meta to fetch again after its 30 days).
 */
export const PRUNED_MEDIA_REASON = 'the file was deleted by the retention policy';
