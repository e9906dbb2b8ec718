import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Channel, Message } from '../api/types';
import type { GuildState } from '../store/state';
import { MessageItem } from './MessageItem';

interface Props {
  guild: GuildState;
  /** The signed-in user: their own new message brings the list to the bottom. */
  meId: string;
  channel: Channel;
  items: Message[];
  hasMore: boolean;
  loading: boolean;
  onLoadOlder: () => void;
  canManage: boolean;
  canReact: boolean;
  editingId: string | null;
  onEdit: (id: string | null) => void;
  onReply: (message: Message) => void;
}

/** Height of the block above the first row (.list-head in styles.css). */
const HEAD_HEIGHT = 200;

/** Within 7 minutes from the same author: drawn without a repeated avatar and name, as Discord does. */
function grouped(prev: Message | undefined, m: Message): boolean {
  return !!prev && prev.author.id === m.author.id && !m.message_reference && Date.parse(m.timestamp) - Date.parse(prev.timestamp) < 7 * 60_000;
}

/**
 * The channel's messages in a virtualised list (only the rows near the viewport are in the DOM,
 * so 10,000 messages scroll like 50). It sticks to the bottom while the reader is there, loads
 * older history when scrolled near the top, and keeps the reader's place when that history lands.
 */
export function MessageList({ guild, meId, channel, items, hasMore, loading, onLoadOlder, canManage, canReact, editingId, onEdit, onReply }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  // The build uses no React Compiler; the virtualizer is read afresh on every render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 56,
    overscan: 8,
    getItemKey: (i) => items[i]!.id,
    // The "start of channel" / "loading" block above the rows has this fixed height (styles.css).
    scrollMargin: HEAD_HEIGHT,
  });

  // Older messages were prepended: put the message that was at the top back where it was.
  useLayoutEffect(() => {
    const a = anchor.current;
    if (!a) return;
    const index = items.findIndex((m) => m.id === a.id);
    if (index > 0) {
      anchor.current = null;
      const start = virtualizer.getOffsetForIndex(index, 'start')?.[0];
      if (start !== undefined && scroller.current) scroller.current.scrollTop = start + a.offset;
    }
  }, [items, virtualizer]);

  // New messages while at the bottom (or the first page), or one's own message: show the bottom.
  const lastMessage = items.at(-1);
  const last = lastMessage?.id;
  const mineLast = lastMessage?.author.id === meId;
  // Only when the newest message changes: older pages landing above must not move the reader.
  const shownLast = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (last === shownLast.current) return;
    shownLast.current = last;
    if ((atBottom.current || mineLast) && items.length) {
      atBottom.current = true;
      virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
    }
  }, [last, mineLast, items.length, virtualizer]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (el.scrollTop < 400 && hasMore && !loading && items.length) {
      const first = virtualizer.getVirtualItems()[0];
      if (first) anchor.current = { id: String(first.key), offset: el.scrollTop - first.start };
      onLoadOlder();
    }
  }

  const rows = virtualizer.getVirtualItems();
  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll} role="log" aria-label={`Messages in #${channel.name}`} tabIndex={0}>
      <div className="list-head">
      {!hasMore ? (
        <div className="channel-start">
          <div className="channel-start-icon" aria-hidden="true">
            #
          </div>
          <h2>Welcome to #{channel.name}!</h2>
          <p className="muted">This is the start of the #{channel.name} channel.</p>
        </div>
      ) : loading ? (
        <div className="loading-older" role="status">
          Loading messages…
        </div>
      ) : null}
      </div>
      <div className="message-rows" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const m = items[row.index]!;
          return (
            <div key={row.key} data-index={row.index} ref={virtualizer.measureElement} className="message-row" style={{ transform: `translateY(${row.start - HEAD_HEIGHT}px)` }}>
              <MessageItem
                guild={guild}
                message={m}
                grouped={grouped(items[row.index - 1], m)}
                canManage={canManage}
                canReact={canReact}
                editing={editingId === m.id}
                onEdit={onEdit}
                onReply={onReply}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}
