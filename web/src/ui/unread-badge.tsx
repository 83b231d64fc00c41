import { useT } from '../app-context.ts';

/** A count of unread messages; nothing when zero. The number is read out with its meaning. */
export function UnreadBadge({ count }: { count: number }) {
  const { t } = useT();
  if (count <= 0) return null;
  return <span class="badge" aria-label={t('groups.unread', { n: count })}>{count > 999 ? '999+' : count}</span>;
}
