/** Who is calling: resolved from the token once per request or gateway session. */
export interface AuthContext {
  userId: string;
  bot: boolean;
  tokenVersion: number;
}
