import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { GAP_CATEGORIES, type GapCategory, type GapTotals } from '../../api/analysis';
import { useFormat, type Formatters } from '../../hooks/use-format';

/** Green for fulfilled through red for not fulfilled, grey for not applicable, light grey for no statement. */
export const GAP_COLOURS: Record<GapCategory, string> = {
  fulfilled: '#1a9850',
  partly_fulfilled: '#fee08b',
  not_fulfilled: '#d73027',
  not_applicable: '#969696',
  no_statement: '#e0e0e0',
};

/**
 * Formats a share (0.45) as a whole percentage in the language's number
 * format. A share between 0 and 1 never rounds to "0 %" or "100 %", so
 * 1 of 221 shows as "< 1 %" and 220 of 221 as "> 99 %".
 */
export function formatShare(format: Formatters, t: TFunction, share: number): string {
  if (share > 0 && share < 0.005) {
    return t('analysis.gap.shareBelow', { share: format.percent(0.01) });
  }
  if (share < 1 && share >= 0.995) {
    return t('analysis.gap.shareAbove', { share: format.percent(0.99) });
  }
  return format.percent(share);
}

interface GapChartProps {
  totals: GapTotals;
  /** Caption of the table, which also names what the chart counts. */
  caption: string;
  testId: string;
}

/** Counts per statement status as a bar chart and as a table with the same numbers. */
export function GapChart({ totals, caption, testId }: GapChartProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows = GAP_CATEGORIES.map((category) => ({ category, name: t(`analysis.status.${category}`), count: totals[category] }));

  return (
    <div className="gap-chart" data-testid={testId} data-total={totals.total}>
      {/* The table gives the same numbers, so the chart itself is hidden from screen readers. */}
      <div className="chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={200}>
          <BarChart accessibilityLayer={false} data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} />
            <YAxis allowDecimals={false} tickFormatter={(value: number) => format.number(value)} />
            <Tooltip formatter={(value) => format.number(Number(value))} />
            <Bar dataKey="count" isAnimationActive={false}>
              {rows.map((row) => (
                <Cell key={row.category} fill={GAP_COLOURS[row.category]} stroke="#555555" />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('analysis.gap.status')}</th>
            <th scope="col">{t('analysis.gap.count')}</th>
            <th scope="col">{t('analysis.overview.share')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.category} data-testid={`${testId}-row`} data-category={row.category} data-count={row.count}>
              <th scope="row">
                <span className="swatch" style={{ backgroundColor: GAP_COLOURS[row.category] }} aria-hidden="true" /> {row.name}
              </th>
              <td className="number">{format.number(row.count)}</td>
              <td className="number" data-testid={`${testId}-share`}>
                {totals.total === 0 ? '–' : formatShare(format, t, row.count / totals.total)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One requirement set's gap totals in a comparison. */
export interface GapComparisonRow {
  id: string;
  name: string;
  totals: GapTotals;
}

interface GapComparisonChartProps {
  rows: GapComparisonRow[];
  caption: string;
  testId: string;
}

/**
 * Several requirement sets side by side: one stacked bar per set showing the
 * share of each status, and a table with the counts and shares. The bars show
 * shares rather than counts so that a large catalog does not dwarf a small one.
 */
export function GapComparisonChart({ rows, caption, testId }: GapComparisonChartProps) {
  const { t } = useTranslation();
  const format = useFormat();
  // A set without any applicable pair gets an empty bar: its shares are all zero rather than NaN.
  const shares = rows.map((row) => ({
    name: row.name,
    ...Object.fromEntries(GAP_CATEGORIES.map((category) => [category, row.totals.total === 0 ? 0 : row.totals[category] / row.totals.total])),
  }));

  return (
    <div className="gap-chart" data-testid={testId}>
      {/* The table gives the same numbers, so the chart itself is hidden from screen readers. */}
      <div className="chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={56 + 48 * rows.length}>
          <BarChart accessibilityLayer={false} data={shares} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={[0, 1]} tickFormatter={(value: number) => format.percent(value)} />
            <YAxis type="category" dataKey="name" width={220} tick={{ fontSize: 12 }} interval={0} />
            <Tooltip formatter={(value) => formatShare(format, t, Number(value))} />
            {GAP_CATEGORIES.map((category) => (
              <Bar key={category} dataKey={category} name={t(`analysis.status.${category}`)} stackId="share" fill={GAP_COLOURS[category]} stroke="#555555" isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="gap-legend" aria-hidden="true">
        {GAP_CATEGORIES.map((category) => (
          <li key={category}>
            <span className="swatch" style={{ backgroundColor: GAP_COLOURS[category] }} /> {t(`analysis.status.${category}`)}
          </li>
        ))}
      </ul>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('analysis.requirements.set')}</th>
            {GAP_CATEGORIES.map((category) => (
              <th key={category} scope="col">
                {t(`analysis.status.${category}`)}
              </th>
            ))}
            <th scope="col">{t('analysis.gap.total')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid={`${testId}-row`} data-set={row.id} data-total={row.totals.total}>
              <th scope="row">{row.name}</th>
              {GAP_CATEGORIES.map((category) => (
                <td key={category} className="number" data-category={category} data-count={row.totals[category]}>
                  {format.number(row.totals[category])}
                  {row.totals.total > 0 && <span className="muted"> ({formatShare(format, t, row.totals[category] / row.totals.total)})</span>}
                </td>
              ))}
              <td className="number">{format.number(row.totals.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
