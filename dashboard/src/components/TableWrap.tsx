import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * The box around a table. Tables are laid out to fit a phone (priority columns, or rows as cards);
 * one that still cannot fit (a cohort grid of many weeks) scrolls sideways inside this box, with
 * edge shadows and a line saying so, rather than being clipped or widening the page.
 *
 * @example
 * <TableWrap><table className="table cohort">…</table></TableWrap>
 */
export function TableWrap({ children, hint = 'Scroll sideways for more' }: { children: ReactNode; hint?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () => setOverflows(box.scrollWidth > box.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    const table = box.firstElementChild;
    if (table) observer.observe(table);
    return () => observer.disconnect();
  }, []);
  // A box that scrolls is focusable while it does, so a keyboard can scroll it.
  return (
    <>
      <div ref={ref} className={overflows ? 'table-wrap overflows' : 'table-wrap'} tabIndex={overflows ? 0 : undefined}>
        {children}
      </div>
      {overflows ? (
        <p className="scroll-hint muted small" aria-hidden="true">
          {hint} →
        </p>
      ) : null}
    </>
  );
}
