/** A refusal an operator can act on: the CLI prints its message on one line and exits 1. */
export class TenancyError extends Error {}
