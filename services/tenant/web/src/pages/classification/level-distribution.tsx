import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { ClassificationOverview } from '../../api/analysis';
import { useFormat } from '../../hooks/use-format';
import { currentLanguage } from '../../i18n';
import { colourLevels, NO_LEVEL_COLOUR } from '../graph/graph-colours';
import { formatShare } from '../requirements/gap-chart';

interface LevelDistributionProps {
  dimension: ClassificationOverview['dimensions'][number];
  dimensionName: string;
  total: number;
}

/** One dimension's objects per level: a bar chart for the eye and a table with the same numbers for everyone. */
export function LevelDistribution({ dimension, dimensionName, total }: LevelDistributionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const swedish = currentLanguage() === 'sv';
  const colours = colourLevels(dimension.levels.map((level) => level.level));
  const rows = [
    ...dimension.levels.map((level) => ({
      key: String(level.level),
      name: `${format.number(level.level)} ${swedish ? level.nameSv : level.nameEn}`,
      objects: level.objects,
      colour: colours.get(level.level) ?? NO_LEVEL_COLOUR,
    })),
    { key: 'none', name: t('analysis.overview.unclassified'), objects: dimension.unclassified, colour: '#bdbdbd' },
  ];
  const headingId = `overview-${dimension.dimension}-heading`;

  return (
    <section aria-labelledby={headingId} className="panel level-distribution" data-testid="overview-dimension" data-dimension={dimension.dimension}>
      <h2 id={headingId}>{dimensionName}</h2>
      {/* The table below gives the same numbers, so the chart itself is hidden from screen readers. */}
      <div className="chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={220}>
          <BarChart accessibilityLayer={false} data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} />
            <YAxis allowDecimals={false} tickFormatter={(value: number) => format.number(value)} />
            <Tooltip formatter={(value) => format.number(Number(value))} />
            <Bar dataKey="objects" name={t('analysis.overview.objects')} isAnimationActive={false}>
              {rows.map((row) => (
                <Cell key={row.key} fill={row.colour} stroke="#555555" />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table data-testid="overview-table">
        <caption className="visually-hidden">{t('analysis.overview.chartLabel', { dimension: dimensionName })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('analysis.overview.level')}</th>
            <th scope="col">{t('analysis.overview.objects')}</th>
            <th scope="col">{t('analysis.overview.share')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-testid="overview-row" data-level={row.key} data-count={row.objects}>
              <th scope="row">{row.name}</th>
              <td className="number">{format.number(row.objects)}</td>
              <td className="number">{total === 0 ? '–' : formatShare(format, t, row.objects / total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
