/** @jsxImportSource hono/jsx */
import type { costBreakdown, describeBudget } from '../../domain/costs/index.js';
import type { WebContext } from '../context.js';
import { Layout } from '../layout.js';
import { TableScroll } from '../table-scroll.js';
import { BarChart } from './bar-chart.js';

type Breakdown = Awaited<ReturnType<typeof costBreakdown>>;
type Line = Breakdown['lines'][number];

export interface CostsView {
  from: string;
  to: string;
  byDay: Breakdown;
  byModel: Breakdown;
  budget: Awaited<ReturnType<typeof describeBudget>>;
  error?: string;
}

const MAX_FILLED_DAYS = 62;

/** The range's days, each with its line (zero when nothing was spent) when the range is short enough to draw them all. */
function daysOf(v: CostsView, currency: string): { key: string; line: Line | undefined }[] {
  const lines = v.byDay.lines.filter((l) => l.currency === currency);
  const start = Date.parse(`${v.from}T00:00:00Z`);
  const end = Date.parse(`${v.to}T00:00:00Z`);
  const days = Math.round((end - start) / 86_400_000) + 1;
  if (!(days > 0 && days <= MAX_FILLED_DAYS)) return lines.map((line) => ({ key: line.key ?? '', line }));
  return Array.from({ length: days }, (_, i) => {
    const key = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    return { key, line: lines.find((l) => l.key === key) };
  });
}

function BudgetSummary({ c, b }: { c: WebContext; b: CostsView['budget'] }) {
  const t = c.get('t');
  if (b.daily === null && b.monthly === null) return <p id="budget-summary">{t('costsBudgetNone')}</p>;
  return (
    <div id="budget-summary">
      {b.daily !== null && <p>{t('costsBudgetDaily', { limit: b.daily, spent: b.spent.today, currency: b.currency })}</p>}
      {b.monthly !== null && <p>{t('costsBudgetMonthly', { limit: b.monthly, spent: b.spent.thisMonth, currency: b.currency })}</p>}
      {b.reached && (
        <p class="error" role="status" id="budget-reached">
          {t('costsBudgetReached', { period: t(b.reached.period === 'day' ? 'costsPeriodDay' : 'costsPeriodMonth'), resetsAt: b.reached.resetsAt.slice(0, 16).replace('T', ' ') })}
        </p>
      )}
    </div>
  );
}

function CostTable({ c, id, label, keyHeader, rows }: { c: WebContext; id: string; label: string; keyHeader: string; rows: { key: string; line: Line | undefined }[] }) {
  const t = c.get('t');
  return (
    <TableScroll label={label}>
      <table id={id}>
        <thead>
          <tr>
            <th scope="col">{keyHeader}</th>
            <th scope="col" class="num">{t('costsAmount')}</th>
            <th scope="col" class="num">{t('costsRequests')}</th>
            <th scope="col" class="num">{t('costsPromptTokens')}</th>
            <th scope="col" class="num">{t('costsCompletionTokens')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, line }) => (
            <tr data-key={key}>
              <th scope="row">{key}</th>
              <td class="num">{line?.cost ?? '0'}</td>
              <td class="num">{line?.requests ?? 0}</td>
              <td class="num">{line?.promptTokens ?? 0}</td>
              <td class="num">{line?.completionTokens ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Spend per day and per model for a range: a chart and the table behind it for each currency spent in. */
export function CostsPage({ c, v }: { c: WebContext; v: CostsView }) {
  const t = c.get('t');
  const currencies = v.byDay.totals.map((x) => x.currency);
  return (
    <Layout c={c} title={t('costsPage')}>
      <p class="help">{t('costsIntro')}</p>
      <h2>{t('costsBudget')}</h2>
      <BudgetSummary c={c} b={v.budget} />
      <form method="get" action="/costs" class="card narrow" id="cost-range">
        <label for="cost-from">{t('costsFrom')}</label>
        <input id="cost-from" name="from" type="date" value={v.from} required />
        <label for="cost-to">{t('costsTo')}</label>
        <input id="cost-to" name="to" type="date" value={v.to} required />
        {v.error && <p class="error" role="alert" id="cost-error">{v.error}</p>}
        <button type="submit">{t('costsShow')}</button>
      </form>
      <p>{t('costsRange', { from: v.from, to: v.to })}</p>
      {currencies.length === 0 && <p id="costs-nothing">{t('costsNothing')}</p>}
      {currencies.map((currency) => {
        const days = daysOf(v, currency);
        const models = v.byModel.lines.filter((l) => l.currency === currency).map((line) => ({ key: line.key ?? '', line }));
        const bar = ({ key, line }: { key: string; line: Line | undefined }) => ({ label: key, value: Number(line?.cost ?? 0), text: line?.cost ?? '0' });
        return (
          <section data-currency={currency}>
            <h2 id={`by-day-${currency}`}>{t('costsByDay', { currency })}</h2>
            <BarChart id={`chart-day-${currency}`} title={t('costsByDay', { currency })} desc={t('costsChartDesc')} bars={days.map(bar)} />
            <CostTable c={c} id={`table-day-${currency}`} label={t('costsByDay', { currency })} keyHeader={t('costsDay')} rows={days} />
            <h2 id={`by-model-${currency}`}>{t('costsByModel', { currency })}</h2>
            <BarChart id={`chart-model-${currency}`} title={t('costsByModel', { currency })} desc={t('costsChartDesc')} bars={models.map(bar)} />
            <CostTable c={c} id={`table-model-${currency}`} label={t('costsByModel', { currency })} keyHeader={t('costsModel')} rows={models} />
          </section>
        );
      })}
    </Layout>
  );
}
