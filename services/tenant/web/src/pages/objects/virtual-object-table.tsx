import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { ModelObject } from '../../api/types';
import { useFormat } from '../../hooks/use-format';
import { useMetaModel } from '../../hooks/use-meta-model';

/** Height of one row in pixels, as styles.css sets it for `.virtual-table tr`. */
const ROW_HEIGHT = 40;
/** Rows rendered above and below the visible ones, so fast scrolling shows no blank rows. */
const OVERSCAN = 10;
/** The next page is requested when the last rendered row is this close to the end of what is loaded. */
const LOAD_AHEAD_ROWS = 20;

interface VirtualObjectTableProps {
  objects: ModelObject[];
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
}

/**
 * Renders the objects as a table whose rows outside the scroll area are
 * not in the DOM, so a list of tens of thousands of loaded rows stays fast.
 * Spacer rows above and below keep the scroll height, and the table keeps
 * its semantics for screen readers. Scrolling near the end loads the next page.
 */
export function VirtualObjectTable({ objects, hasMore, loading, onLoadMore }: VirtualObjectTableProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { typeName } = useMetaModel();
  const scrollArea = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: objects.length,
    getScrollElement: () => scrollArea.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const rows = virtualizer.getVirtualItems();
  const lastRendered = rows.length > 0 ? rows[rows.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loading && lastRendered >= objects.length - LOAD_AHEAD_ROWS) {
      onLoadMore();
    }
  }, [hasMore, loading, lastRendered, objects.length, onLoadMore]);

  const paddingTop = rows.length > 0 ? rows[0]!.start : 0;
  const paddingBottom = rows.length > 0 ? virtualizer.getTotalSize() - rows[rows.length - 1]!.end : 0;

  return (
    // The scroll area is focusable so keyboard users can scroll it with the arrow keys.
    <div ref={scrollArea} className="virtual-table" tabIndex={0} role="region" aria-label={t('modelObjects.list.scrollRegion')}>
      <table data-testid="object-list" aria-rowcount={objects.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">{t('objects.name')}</th>
            <th scope="col">{t('objects.type')}</th>
            <th scope="col">{t('objects.updatedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true" style={{ height: paddingTop }}>
              <td colSpan={3} />
            </tr>
          )}
          {rows.map((row) => {
            const object = objects[row.index]!;
            return (
              <tr key={object.id} data-testid="object-row" data-object-id={object.id} aria-rowindex={row.index + 2}>
                <td>
                  <Link to={`/objects/${encodeURIComponent(object.id)}`} data-testid="object-link">
                    {object.name}
                  </Link>
                </td>
                <td>{typeName(object.type)}</td>
                <td>
                  <time dateTime={object.updatedAt}>{format.dateTime(object.updatedAt)}</time>
                </td>
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true" style={{ height: paddingBottom }}>
              <td colSpan={3} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
