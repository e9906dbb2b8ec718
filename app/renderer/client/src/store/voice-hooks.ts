// React bindings of the VoiceController (first chunk; the voice code itself loads on join).
import { useSyncExternalStore } from 'react';
import type { VoiceController, VoiceUiState } from '../voice/controller';

/** Re-renders when the selected part of the voice state changes; the selector must return stable values. */
export function useVoice<T>(controller: VoiceController, selector: (state: VoiceUiState) => T): T {
  return useSyncExternalStore(controller.subscribe, () => selector(controller.getState()));
}
