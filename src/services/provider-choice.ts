/** What `services.provider` resolves to on this machine. */
export type ProviderChoice = 'docker' | 'native' | 'external' | 'none';

/**
 * DESIGN.md § Services: `auto` = docker when a daemon answers, else native when its binaries
 * exist, else none (exit 3 naming both fixes). An explicit choice is taken as given. Pure.
 */
export function chooseProvider(
  configured: 'auto' | 'docker' | 'native' | 'external',
  facts: { dockerAnswers: boolean; nativeAvailable: boolean },
): ProviderChoice {
  if (configured !== 'auto') return configured;
  if (facts.dockerAnswers) return 'docker';
  return facts.nativeAvailable ? 'native' : 'none';
}
