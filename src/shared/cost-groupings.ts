/** How a cost report groups spend: per UTC day, per model, per task (API, CLI and console alike). */
export const COST_GROUPINGS = ['day', 'model', 'task'] as const;
export type CostGrouping = (typeof COST_GROUPINGS)[number];
