/** The console home's figures: what waits now, and the last 14 days by UTC day. */
export { DASHBOARD_DAYS, dailySeries, windowStart, type DailySeries, type DayFigures } from './daily-series.js';
export { liveFigures, type LiveFigures } from './live-figures.js';
