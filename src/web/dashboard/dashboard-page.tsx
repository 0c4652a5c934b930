/** @jsxImportSource hono/jsx */
import type { DailySeries, LiveFigures } from '../../domain/dashboard/index.js';
import { canWrite, type WebContext } from '../context.js';
import { Layout } from '../layout.js';
import { RelativeTime } from '../relative-time.js';
import { BarChart } from './bar-chart.js';

const COLOURS = { saved: '#146c2e', failed: '#b3261e', flagged: '#8a4b00', tokens: '#0b57d0', cost: '#6a1b9a' };

/** Pico-units (1e-12) as an amount with up to four decimals: 1234500000000n -> "1.2345". */
export function formatCost(pico: bigint | number): string {
  const units = Number(pico) / 1e12;
  return units === 0 ? '0' : units.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

const compact = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(Math.round(n)));

function Figure({ id, name, value, more, href, linkText }: { id: string; name: string; value: string; more?: unknown; href?: string; linkText?: string }) {
  return (
    <li id={`fig-${id}`}>
      <span class="fig-name">{name}</span>
      <span class="fig-value">{value}</span>
      {more ? <span class="fig-more">{more}</span> : null}
      {href && <a class="fig-more" href={href}>{linkText}</a>}
    </li>
  );
}

export function DashboardPage({ c, live, daily, now }: { c: WebContext; live: LiveFigures; daily: DailySeries; now: Date }) {
  const t = c.get('t');
  const days = daily.days.map((d) => d.day);
  const rate = live.llmRequests24h > 0 ? `${((100 * live.llmFailed24h) / live.llmRequests24h).toFixed(1)} %` : t('noLlmRequests');
  const quiet = daily.days.every((d) => d.saved + d.failed === 0);
  return (
    <Layout c={c} title={t('dashboardTitle')}>
      <ul class="figures" aria-label={t('dashboardTitle')}>
        <Figure id="review" name={t('figReviewBacklog')} value={String(live.reviewBacklog)} href={live.reviewBacklog > 0 ? '/articles/queue' : undefined} linkText={t('openReviewQueue')} />
        <Figure id="running" name={t('figRunning')} value={String(live.runningTasks)} href={live.runningTasks > 0 ? '/tasks?status=running' : undefined} linkText={t('openTasks')} />
        <Figure id="queued" name={t('figQueued')} value={String(live.queuedTasks)} />
        <Figure id="llm-errors" name={t('figLlmErrorRate')} value={rate} />
        <Figure
          id="webhooks"
          name={t('figWebhookBacklog')}
          value={String(live.webhookBacklog)}
          more={live.webhookOldest ? <>{t('figWebhookOldest')} <RelativeTime t={t} at={live.webhookOldest} now={now} zone={c.get('zone')} /></> : undefined}
          href={live.webhookBacklog > 0 ? '/webhooks' : undefined}
          linkText={t('openDeliveries')}
        />
      </ul>
      {quiet && (
        <div class="empty" id="dashboard-empty">
          <p>{t('dashboardEmpty')}</p>
          <p class="links">
            <a href="/distillations">{t('dashboardAddDistillations')}</a>
            {canWrite(c) && <a href="/tasks/new">{t('dashboardStartTask')}</a>}
          </p>
        </div>
      )}
      <BarChart
        id="articles"
        title={t('chartArticlesTitle')}
        labels={days}
        labelHeading={t('chartDay')}
        series={[
          { key: 'c-saved', name: t('seriesSaved'), colour: COLOURS.saved, values: daily.days.map((d) => d.saved) },
          { key: 'c-failed', name: t('seriesFailed'), colour: COLOURS.failed, values: daily.days.map((d) => d.failed) },
          { key: 'c-flagged', name: t('seriesFlagged'), colour: COLOURS.flagged, values: daily.days.map((d) => d.flagged) },
        ]}
      />
      <BarChart
        id="tokens"
        title={t('chartTokensTitle')}
        labels={days}
        labelHeading={t('chartDay')}
        format={compact}
        series={[{ key: 'c-tokens', name: t('seriesTokens'), colour: COLOURS.tokens, values: daily.days.map((d) => d.tokens) }]}
      />
      <p class="help" id="tokens-source">{t(daily.tokensFrom === 'attempts' ? 'tokensFromAttempts' : 'tokensFromArticles')}</p>
      {daily.currency && (
        <BarChart
          id="cost"
          title={`${t('chartCostTitle')} (${daily.currency})`}
          labels={days}
          labelHeading={t('chartDay')}
          format={(n) => formatCost(n * 1e12)}
          series={[{ key: 'c-cost', name: t('seriesCost'), colour: COLOURS.cost, values: daily.days.map((d) => Number(d.costPico) / 1e12) }]}
        />
      )}
    </Layout>
  );
}
