/** The books: what accounts spent on models (from llm_attempts, exact), their budgets, and the gate that pauses tasks at a budget. */
export { periodSpend, costReport, COST_GROUPINGS, type CostGrouping, type CostLine, type PeriodSpend } from './spend.js';
export { effectiveBudget, putAccountBudget, deleteAccountBudget, type Budget, type BudgetDefaults, type BudgetInput } from './budgets.js';
export { budgetStatus, describeBudget, reachedOf, reachedReason, refuseOverBudget, type BudgetReached } from './budget-check.js';
export { budgetGate, tasksWaitingOnBudget, type BudgetGate } from './task-pause.js';
export { accountCostStats, costBreakdown } from './cost-stats.js';
