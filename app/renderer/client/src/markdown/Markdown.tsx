import { useState, type ReactNode } from 'react';
import { displayName } from '../api/types';
import { navigate } from '../router';
import type { GuildState } from '../store/state';
import { parseMarkdown, safeHref, type MdNode } from './parse';

function Spoiler({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  return (
    <span
      className={`spoiler${shown ? ' shown' : ''}`}
      role="button"
      tabIndex={shown ? -1 : 0}
      aria-label={shown ? undefined : 'Spoiler, press to reveal'}
      aria-expanded={shown}
      onClick={() => setShown(true)}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setShown(true)}
    >
      {children}
    </span>
  );
}

function render(nodes: MdNode[], guild: GuildState | undefined, key = ''): ReactNode[] {
  return nodes.map((node, i) => renderNode(node, guild, `${key}${i}.`));
}

function renderNode(node: MdNode, guild: GuildState | undefined, key: string): ReactNode {
  const children = () => (Array.isArray(node.content) ? render(node.content as MdNode[], guild, key) : String(node.content ?? ''));
  switch (node.type) {
    case 'text':
      return node.content as string;
    case 'strong':
      return <strong key={key}>{children()}</strong>;
    case 'em':
      return <em key={key}>{children()}</em>;
    case 'u':
      return <u key={key}>{children()}</u>;
    case 'del':
      return <s key={key}>{children()}</s>;
    case 'inlineCode':
      return <code key={key}>{String(node.content)}</code>;
    case 'codeBlock':
      return (
        <pre key={key} className="code-block" data-lang={String(node.lang || '') || undefined}>
          <code>{String(node.content)}</code>
        </pre>
      );
    case 'blockQuote':
      return (
        <blockquote key={key}>
          <div>{children()}</div>
        </blockquote>
      );
    case 'spoiler':
      return <Spoiler key={key}>{children()}</Spoiler>;
    case 'link': {
      const href = safeHref(node.target);
      if (!href) return <span key={key}>{children()}</span>;
      return (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
          {children()}
        </a>
      );
    }
    case 'userMention': {
      const member = guild?.members.get(String(node.id));
      return (
        <span key={key} className="mention" data-user-id={String(node.id)}>
          @{member ? displayName(member.user, member) : 'unknown-user'}
        </span>
      );
    }
    case 'roleMention': {
      const role = guild?.roles.find((r) => r.id === node.id);
      return (
        <span key={key} className="mention" style={role?.color ? { color: `#${role.color.toString(16).padStart(6, '0')}` } : undefined}>
          @{role?.name ?? 'deleted-role'}
        </span>
      );
    }
    case 'channelMention': {
      const channel = guild?.channels.find((c) => c.id === node.id);
      return channel ? (
        <a
          key={key}
          className="mention"
          href={`/channels/${guild!.id}/${channel.id}`}
          onClick={(e) => {
            e.preventDefault();
            navigate(`/channels/${guild!.id}/${channel.id}`);
          }}
        >
          #{channel.name}
        </a>
      ) : (
        <span key={key} className="mention">
          #unknown
        </span>
      );
    }
    case 'everyone':
      return (
        <span key={key} className="mention">
          @{String(node.name)}
        </span>
      );
    case 'customEmoji':
      return <img key={key} className="emoji" src={`/cdn/emojis/${String(node.id)}.${node.animated ? 'gif' : 'png'}?size=48`} alt={`:${String(node.name)}:`} title={`:${String(node.name)}:`} draggable={false} />;
    default:
      return Array.isArray(node.content) ? <span key={key}>{children()}</span> : typeof node.content === 'string' ? node.content : null;
  }
}

/** A message's text as Discord draws it. */
export function Markdown({ source, guild }: { source: string; guild?: GuildState }) {
  return <>{render(parseMarkdown(source), guild)}</>;
}
