import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { CLIENT_LIMITS } from '../limits.ts';
import { buildOffsets, indexAt, visibleRange } from './virtual-window.ts';

export interface VirtualListProps {
  count: number;
  keyAt(index: number): string;
  /** The index of a key, or -1 (rows move when older ones are added above). */
  indexOfKey(key: string): number;
  renderAt(index: number): ComponentChildren;
  /** Above the first row (not virtualized): "loading earlier…", "beginning of the room". */
  header?: ComponentChildren;
  label: string;
  onNearTop?(): void;
  onBottomChange?(atBottom: boolean): void;
  /** The index of the row at the top of the screen, when it changes. */
  onTopIndex?(index: number): void;
  /** Scrolls the row with this key to the top when the token changes. */
  jumpTo?: { key: string; token: number };
  /** Scrolls to the bottom (and follows new rows) when it changes. */
  bottomToken?: number;
}

/**
 * A scrolling list that renders only the rows on screen (plus one screen either side), so a
 * room of 10,000 messages costs the DOM a few dozen rows. Rows have their measured heights
 * (an estimate until measured). What the reader looks at stays put: the row at the top of the
 * screen is the anchor, restored after rows above it load or change height; at the bottom the
 * list follows new rows instead.
 */
export function VirtualList(props: VirtualListProps) {
  const { count, keyAt, renderAt, header, label } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const stick = useRef(props.jumpTo === undefined);
  const anchor = useRef<{ key: string; delta: number } | undefined>(undefined);
  const atBottom = useRef<boolean | undefined>(undefined);
  const topIndex = useRef(-1);
  const lastTop = useRef(0);
  const jumpToken = useRef<number | undefined>(undefined);
  const bottomToken = useRef(props.bottomToken);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);
  const [, setMeasured] = useState(0);

  const offsets = buildOffsets(count, (i) => heights.current.get(keyAt(i)) ?? CLIENT_LIMITS.estimatedRowPx);
  const overscan = viewport * CLIENT_LIMITS.overscanScreens;
  const headerHeight = headerRef.current?.offsetHeight ?? 0;
  const { start, end } = visibleRange(offsets, Math.max(0, scrollTop - headerHeight), viewport, overscan);
  const latest = useRef({ offsets, headerHeight, props });
  latest.current = { offsets, headerHeight, props };

  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => {
      setViewport(el.clientHeight);
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    const rows = rowsRef.current;
    if (!el || !rows) return;
    let changed = false;
    for (const child of Array.from(rows.children) as HTMLElement[]) {
      const key = child.dataset.key;
      if (key === undefined) continue;
      const h = child.getBoundingClientRect().height;
      if (Math.abs((heights.current.get(key) ?? -1) - h) > 0.5) {
        heights.current.set(key, h);
        changed = true;
      }
    }
    if (props.jumpTo && props.jumpTo.token !== jumpToken.current) {
      jumpToken.current = props.jumpTo.token;
      stick.current = false;
      anchor.current = { key: props.jumpTo.key, delta: 8 };
    }
    if (props.bottomToken !== bottomToken.current) {
      bottomToken.current = props.bottomToken;
      stick.current = true;
    }
    // Restore against the DOM as rendered now (its spacers match this render's offsets).
    if (stick.current) {
      if (el.scrollHeight - el.clientHeight - el.scrollTop > 1) el.scrollTop = el.scrollHeight;
    } else if (anchor.current) {
      const i = props.indexOfKey(anchor.current.key);
      if (i >= 0) {
        const target = headerHeight + offsets[i]! - anchor.current.delta;
        if (Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
      }
    }
    const bottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 32;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      props.onBottomChange?.(bottom);
    }
    const top = count > 0 ? indexAt(offsets, Math.max(0, el.scrollTop - headerHeight)) : 0;
    if (top !== topIndex.current) {
      topIndex.current = top;
      props.onTopIndex?.(top);
    }
    if (changed) setMeasured((n) => n + 1);
  });

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const { offsets: o, headerHeight: hh, props: p } = latest.current;
    const top = el.scrollTop;
    const bottom = top + el.clientHeight >= el.scrollHeight - 32;
    // Only a move up leaves the bottom: rows growing below (or measured) while following must
    // not stop the following, whenever their scroll event arrives.
    if (bottom) stick.current = true;
    else if (top < lastTop.current - 1) stick.current = false;
    lastTop.current = top;
    const i = indexAt(o, Math.max(0, top - hh));
    anchor.current = p.count > 0 ? { key: p.keyAt(i), delta: hh + o[i]! - top } : undefined;
    setScrollTop(top);
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      p.onBottomChange?.(bottom);
    }
    if (top < CLIENT_LIMITS.loadOlderWithinPx) p.onNearTop?.();
  };

  const rows: ComponentChildren[] = [];
  for (let i = start; i < end; i++) {
    const key = keyAt(i);
    rows.push(<div class="vrow" key={key} data-key={key}>{renderAt(i)}</div>);
  }
  return (
    <div class="vlist" ref={scroller} onScroll={onScroll} tabIndex={0} role="region" aria-label={label}>
      <div ref={headerRef}>{header}</div>
      <div style={{ height: `${offsets[start] ?? 0}px` }} aria-hidden="true" />
      <div ref={rowsRef}>{rows}</div>
      <div style={{ height: `${(offsets[count] ?? 0) - (offsets[end] ?? 0)}px` }} aria-hidden="true" />
    </div>
  );
}
