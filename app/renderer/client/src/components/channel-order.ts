import { ChannelType, type Channel } from '../api/types';

const byPosition = (a: Channel, b: Channel) => (a.position ?? 0) - (b.position ?? 0) || (a.id < b.id ? -1 : 1);

/** Channels as Discord lists them: uncategorised first, then each category with its children (text before voice). */
export function groupChannels(channels: Channel[]): { category: Channel | null; channels: Channel[] }[] {
  const visible = channels.filter((c) => c.type === ChannelType.Text || c.type === ChannelType.Voice || c.type === ChannelType.Category);
  const children = (parent: string | null) =>
    visible
      .filter((c) => c.type !== ChannelType.Category && (c.parent_id ?? null) === parent)
      .sort((a, b) => (a.type === ChannelType.Voice ? 1 : 0) - (b.type === ChannelType.Voice ? 1 : 0) || byPosition(a, b));
  const categories = visible.filter((c) => c.type === ChannelType.Category).sort(byPosition);
  const known = new Set(categories.map((c) => c.id));
  const orphans = visible.filter((c) => c.type !== ChannelType.Category && c.parent_id && !known.has(c.parent_id));
  return [{ category: null, channels: [...children(null), ...orphans] }, ...categories.map((category) => ({ category, channels: children(category.id) }))];
}

export function sortedChannels(channels: Channel[]): Channel[] {
  return groupChannels(channels).flatMap((g) => g.channels);
}
