export function Pager({
  offset,
  limit,
  hasMore,
  onChange,
}: {
  offset: number;
  limit: number;
  hasMore: boolean;
  onChange: (offset: number) => void;
}) {
  if (offset === 0 && !hasMore) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        className="button"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        Previous
      </button>
      <span className="muted">
        {offset + 1}–{offset + limit}
      </span>
      <button type="button" className="button" disabled={!hasMore} onClick={() => onChange(offset + limit)}>
        Next
      </button>
    </nav>
  );
}
