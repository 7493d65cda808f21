import { useEffect } from "react";

/** Tables and their boxes that scroll sideways on a narrow screen (app.css, docs/decisions/0029). */
const SCROLLERS = ".grid-table, .table-wrap, .table-scroll, .chart-table-wrap, .heatmap-wrap";
const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/**
 * A box that scrolls sideways must be reachable by keyboard (WCAG 2.1.1; axe's scrollable-region-focusable). Most hold
 * links or buttons, which are the keyboard's way in; one that holds only text (the backups table) gets a tab stop,
 * and only while it actually overflows, so desktop tables gain no extra stops. Checked after each page and on resize.
 */
export function useKeyboardScrollRegions(key: string): void {
  useEffect(() => {
    const mark = () => {
      for (const el of document.querySelectorAll<HTMLElement>(SCROLLERS)) {
        const ours = el.dataset.scrollStop === "1";
        const overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
        const reachable = el.querySelector(FOCUSABLE) !== null;
        if (overflows && !reachable && !el.hasAttribute("tabindex")) {
          el.tabIndex = 0;
          el.dataset.scrollStop = "1";
        } else if (ours && !overflows) {
          el.removeAttribute("tabindex");
          delete el.dataset.scrollStop;
        }
      }
    };
    mark();
    window.addEventListener("resize", mark);
    return () => window.removeEventListener("resize", mark);
  }, [key]);
}
