import type { Shape } from '../en';

// Kept flat, because deeper nesting in the typed i18next resources can make tsc fail with "Type instantiation is excessively deep".
export const en = {
  classificationAdmin: {
    cyclesHeading: 'Cycles',
    cyclesIntro:
      'A cycle is a group of objects that reach each other along relations that carry levels. A level that reaches one of them travels on to the others, unless an object with a level set by hand stops it. Without such levels, every object in the cycle inherits the same level: the highest that reaches any of them.',
    noCycles: 'No cycles: no object reaches itself along relations that carry levels.',
    cycleHeading: 'Cycle {{number}}',
    cyclesLoading: 'Loading the cycles…',
    recompute: 'Recompute inherited levels',
    recomputeHint:
      'Inherited levels are updated with every change. Recompute them all if you suspect that a stored level is wrong, for example after restoring a database by hand.',
    confirmTitle: 'Recompute every inherited level?',
    confirmText:
      'Every inherited level in the model is computed again from the levels set by hand and the relations. Other changes to classification wait until the recomputation has finished.',
    confirm: 'Recompute',
    running: 'Recomputing inherited levels…',
    result: 'Recomputation finished. Inherited levels changed: {{changes}}. Cycles found: {{cycles}}.',
  },
};

export const sv: Shape<typeof en> = {
  classificationAdmin: {
    cyclesHeading: 'Cykler',
    cyclesIntro:
      'En cykel är en grupp objekt som når varandra via relationer som för nivåer vidare. En nivå som når ett av dem förs vidare till de andra, om inte ett objekt med en manuellt satt nivå stoppar den. Utan sådana nivåer ärver alla objekt i cykeln samma nivå: den högsta som når något av dem.',
    noCycles: 'Inga cykler: inget objekt når sig självt via relationer som för nivåer vidare.',
    cycleHeading: 'Cykel {{number}}',
    cyclesLoading: 'Läser in cyklerna …',
    recompute: 'Beräkna om ärvda nivåer',
    recomputeHint:
      'Ärvda nivåer uppdateras vid varje ändring. Beräkna om alla om du misstänker att en sparad nivå är fel, till exempel efter att en databas har återställts för hand.',
    confirmTitle: 'Beräkna om alla ärvda nivåer?',
    confirmText:
      'Alla ärvda nivåer i modellen beräknas på nytt från de manuellt satta nivåerna och relationerna. Andra ändringar av klassningen väntar tills omberäkningen är klar.',
    confirm: 'Beräkna om',
    running: 'Beräknar om ärvda nivåer …',
    result: 'Omberäkningen är klar. Ändrade ärvda nivåer: {{changes}}. Funna cykler: {{cycles}}.',
  },
};
