/**
 * Every prompt, in French, as spoken text. scripts/build-prompts.sh turns
 * each into `<name>.wav` (8 kHz, mono, 16-bit) with espeak-ng and sox; an
 * operator may put recorded files of the same names in SIP_PROMPTS_DIR.
 */
export const PROMPT_TEXTS = {
  welcome: 'Bonjour, et bienvenue au service des rendez-vous.',
  ask_pin: 'Tapez le code à 6 chiffres de votre rendez-vous, suivi de la touche dièse.',
  wrong_pin: "Ce code n'est pas reconnu.",
  no_digits: "Nous n'avons pas reçu votre code.",
  too_many: 'Trop de codes erronés depuis votre numéro. Rappelez plus tard.',
  goodbye: 'Au revoir.',
  starts_at: 'Votre rendez-vous commence à',
  call_back_from: 'Rappelez à partir de',
  hours: 'heures',
  waiting: "L'agent va vous faire entrer. Merci de patienter.",
  admitted: 'Vous entrez dans le rendez-vous.',
  refused: "L'agent n'a pas accepté votre entrée.",
  removed: "L'agent vous a retiré du rendez-vous.",
  ended: 'Le rendez-vous est terminé.',
  cancelled: 'Ce rendez-vous a été annulé.',
  unavailable: 'Le service est momentanément indisponible. Rappelez plus tard.',
} as const;

export type PromptName = keyof typeof PROMPT_TEXTS | `n${number}`;

/** The numbers a time needs: 0 to 59, as `n0`…`n59`. */
export const NUMBER_PROMPTS = Array.from({ length: 60 }, (_, n) => `n${n}` as const);

/** The soft tone between two waiting prompts, built by sox, not spoken. */
export const TONE_PROMPT = 'tone';

export function allPromptNames(): string[] {
  return [...Object.keys(PROMPT_TEXTS), ...NUMBER_PROMPTS, TONE_PROMPT];
}
