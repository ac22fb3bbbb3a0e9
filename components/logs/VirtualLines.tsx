"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";

/**
 * A windowed list of fixed-height rows: only the rows in view (plus a margin) are in the DOM, so
 * 5 000 lines cost as much to render as 50. Written here instead of pulling a virtualisation
 * library because fixed-height rows need nothing more than this arithmetic.
 *
 * `stickToBottom`: while the view is scrolled to the end it stays there as rows arrive; scrolling
 * up releases it (reported through `onStickChange`) and scrolling back down re-attaches it.
 */
export function VirtualLines({
  count,
  rowHeight,
  renderRow,
  stickToBottom,
  onStickChange,
  version,
  className,
  label,
}: {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ReactNode;
  stickToBottom: boolean;
  onStickChange: (stuck: boolean) => void;
  /** Changes whenever rows changed (the list cannot see inside the caller's buffer). */
  version: number;
  className?: string;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Before paint, so a followed log never flickers one frame behind.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stickToBottom) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [version, count, stickToBottom, height]);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight * 1.5;
    if (atBottom !== stickToBottom) onStickChange(atBottom);
  }, [rowHeight, stickToBottom, onStickChange]);

  const overscan = 20;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(renderRow(i));

  return (
    <div ref={ref} onScroll={onScroll} className={className} role="log" aria-label={label} aria-live="off" tabIndex={0}>
      <div style={{ height: count * rowHeight, position: "relative", minWidth: "100%", width: "max-content" }}>
        <div style={{ position: "absolute", top: first * rowHeight, left: 0, right: 0 }}>{rows}</div>
      </div>
    </div>
  );
}
