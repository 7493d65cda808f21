/** The header row of a data table: one column header per label (an empty label for an actions column). */
export function TableHead({ labels, numeric = [] }: { labels: readonly string[]; /** Columns of numbers (right-aligned). */ numeric?: readonly number[] }) {
  return (
    <thead>
      <tr>
        {labels.map((label, i) => (
          <th key={i} scope="col" className={numeric.includes(i) ? "num" : undefined}>
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
