/** The contract's `extensions.cost` of a response. */
export interface CostExtension {
  requestedQueryCost: number;
  /** Null when nothing ran. */
  actualQueryCost: number | null;
  throttleStatus: {
    maximumAvailable: number;
    currentlyAvailable: number;
    restoreRate: number;
  };
}

/** Builds the cost extension; points are rounded down to whole points for display. */
export function costExtension(
  requestedQueryCost: number,
  actualQueryCost: number | null,
  maximumAvailable: number,
  currentlyAvailable: number,
  restoreRate: number,
): CostExtension {
  return {
    requestedQueryCost,
    actualQueryCost,
    throttleStatus: {
      maximumAvailable,
      currentlyAvailable: Math.floor(currentlyAvailable * 100) / 100,
      restoreRate,
    },
  };
}
