import { useEffect, useState, type MouseEvent } from 'react';
import { rest } from '../App';
import { errorText } from '../api/rest';
import type { Invite } from '../api/types';
import { FormError, initials } from '../components/ui';
import { navigate } from '../router';

/** `/invite/CODE`: the guild's preview, then join (after logging in or registering, coming back here). */
export function InvitePage({ code, signedIn }: { code: string; signedIn: boolean }) {
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const here = `/invite/${encodeURIComponent(code)}`;

  useEffect(() => {
    let live = true;
    rest
      .request<Invite>('GET', `/invites/${encodeURIComponent(code)}?with_counts=true`)
      .then((i) => live && setInvite(i))
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [code]);

  async function accept() {
    setBusy(true);
    setError(undefined);
    try {
      const joined = await rest.request<Invite & { guild_id?: string; channel_id?: string }>('POST', `/invites/${encodeURIComponent(code)}`);
      const guildId = joined.guild?.id ?? joined.guild_id;
      const channelId = joined.channel?.id ?? joined.channel_id;
      navigate(`/channels/${guildId}${channelId ? `/${channelId}` : ''}`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  const go = (path: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(path);
  };

  return (
    <main className="auth-page">
      <section className="auth-card invite-card" aria-labelledby="invite-title">
        {invite ? (
          <>
            <div className="invite-icon" aria-hidden="true">
              {invite.guild?.icon ? <img src={`/cdn/icons/${invite.guild.id}/${invite.guild.icon}.png?size=128`} alt="" /> : initials(invite.guild?.name ?? '?')}
            </div>
            <p className="muted">{invite.inviter ? `${invite.inviter.global_name || invite.inviter.username} invited you to join` : 'You have been invited to join'}</p>
            <h1 id="invite-title">{invite.guild?.name}</h1>
            {invite.approximate_member_count !== undefined ? (
              <p className="muted small">
                {invite.approximate_presence_count !== undefined ? (
                  <>
                    <span className="dot online" aria-hidden="true" /> {invite.approximate_presence_count} Online{' '}
                  </>
                ) : null}
                <span className="dot" aria-hidden="true" /> {invite.approximate_member_count} {invite.approximate_member_count === 1 ? 'Member' : 'Members'}
              </p>
            ) : null}
            <FormError error={error} />
            {signedIn ? (
              <button className="btn primary wide" onClick={accept} disabled={busy}>
                Accept Invite
              </button>
            ) : (
              <>
                <a className="btn primary wide" href={`/login?next=${encodeURIComponent(here)}`} onClick={go(`/login?next=${encodeURIComponent(here)}`)}>
                  Log in to join
                </a>
                <a className="btn secondary wide" href={`/register?next=${encodeURIComponent(here)}`} onClick={go(`/register?next=${encodeURIComponent(here)}`)}>
                  Register to join
                </a>
              </>
            )}
          </>
        ) : error ? (
          <>
            <h1 id="invite-title">Invite invalid</h1>
            <p className="muted">This invite may be expired, or you might not have permission to join.</p>
            <FormError error={error} />
            <a className="btn primary wide" href="/channels/@me" onClick={go('/channels/@me')}>
              Continue to Hearth
            </a>
          </>
        ) : (
          <p role="status" id="invite-title">
            Loading invite…
          </p>
        )}
      </section>
    </main>
  );
}
