/**
 * Renders a chart only in the browser. Recharts measures its container and draws nothing useful on the server, so the
 * server sends an empty box of the same CSS height instead; the page does not jump when the SVG arrives.
 */
import { useEffect, useState, type ReactNode } from "react";

// Once the app has hydrated, charts mounted later (client-side navigation) can draw at once instead of showing the
// placeholder for a frame. The server never runs effects, so there it stays false.
let hydratedOnce = false;

export function ClientOnly({
  children,
  className,
  placeholder,
}: {
  /** A function, so recharts elements are not even created during the server render. */
  children: () => ReactNode;
  /** Size classes shared by the placeholder and the chart box (e.g. "rows-8"), so both have the same height. */
  className?: string;
  /** Text shown in the placeholder until the chart is drawn (also what a reader without JavaScript sees). */
  placeholder?: string;
}) {
  const [hydrated, setHydrated] = useState(hydratedOnce);
  useEffect(() => {
    hydratedOnce = true;
    setHydrated(true);
  }, []);
  const box = className ? `chart-box ${className}` : "chart-box";
  if (!hydrated) {
    return (
      <div className={`${box} chart-loading`} aria-hidden="true">
        {placeholder ? <span>{placeholder}</span> : null}
      </div>
    );
  }
  return <div className={box}>{children()}</div>;
}
