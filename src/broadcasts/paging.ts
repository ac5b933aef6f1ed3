/** The `meta` of Kapso's page lists (kapso-broadcasts.md §6.1): total_pages 0 when there is nothing. */
export function pageMeta(page: number, perPage: number, total: number) {
  return { page, per_page: perPage, total_pages: Math.ceil(total / perPage), total_count: total };
}
