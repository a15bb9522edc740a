/** The execution has spent its budget (`maxCost`, null for none): it pauses and starts no job. */
export const budgetReached = (spentUsd: number, maxCost: number | null) =>
  maxCost !== null && spentUsd >= maxCost - 1e-9;
