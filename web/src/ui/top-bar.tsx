import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useT } from '../app-context.ts';

/** The bar at the top of a screen: a back link (when there is somewhere to go back to), the
 *  screen's heading (focused when a screen change left focus nowhere), and actions on the right. */
export function TopBar({ title, back, children }: { title: string; back?: string; children?: ComponentChildren }) {
  const { t } = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  // A new screen replaced the control that had focus: start the keyboard and screen reader at
  // the new screen's heading instead of the top of the document.
  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body) heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <header class="topbar">
      {back !== undefined && <a class="icon-button" href={back} aria-label={t('common.back')}><span aria-hidden="true">‹</span></a>}
      <h1 class="topbar-title" ref={heading} tabIndex={-1}>{title}</h1>
      {children}
    </header>
  );
}
