/** Who is calling: resolved from the token once per request or gateway session. */
export interface AuthContext {
  userId: string;
  bot: boolean;
  tokenVersion: number;
  /** `X-Audit-Log-Reason` of the request, kept with the audit log entries it causes. */
  auditLogReason?: string | undefined;
  /**
   * The node's administrator acting from the dashboard: treated as the owner of every guild
   * (without being a member) by GuildActor and AccessService. Never set for a token.
   */
  serverAdmin?: boolean;
}
