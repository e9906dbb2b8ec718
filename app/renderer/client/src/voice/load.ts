// The only runtime import of the voice module from the rest of the client: a dynamic import,
// so Vite puts mediasoup-client and the call code in their own chunk, fetched on first join.
export type * from './types';

export const loadVoice = () => import('./index');
