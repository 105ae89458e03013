// The model that scripts/guide-screenshots.mjs seeds for the user guide's
// screenshots: a fictional Swedish municipality, Ekviks kommun. The first
// field of each object is a key used only here, so that relations and
// levels can refer to the object before it has an id.
export const OBJECTS = [
  ['kommunstyrelsen', 'organisation_unit', 'Kommunstyrelsen', 'Kommunens ledande politiska organ och dess förvaltning.', { manager: 'Karin Holm' }],
  ['socialforvaltningen', 'organisation_unit', 'Socialförvaltningen', 'Individ- och familjeomsorg, äldreomsorg och stöd till personer med funktionsnedsättning.', { manager: 'Per Ekström' }],
  ['utbildningsforvaltningen', 'organisation_unit', 'Utbildningsförvaltningen', 'Förskola, grundskola och gymnasieskola.', { manager: 'Lena Berg' }],
  ['it_enheten', 'organisation_unit', 'IT-enheten', 'Drift och förvaltning av kommunens gemensamma IT.', { manager: 'Jonas Nilsson' }],
  ['ekonomiskt_bistand', 'process', 'Handläggning av ekonomiskt bistånd', 'Från ansökan till beslut och utbetalning av försörjningsstöd.', { process_owner: 'Per Ekström' }],
  ['skolplacering', 'process', 'Skolplacering', 'Placering av elever i grundskolan utifrån vårdnadshavares val.', { process_owner: 'Lena Berg' }],
  ['bygglov', 'process', 'Bygglovshantering', 'Ansökan, granskning och beslut om bygglov.', { process_owner: 'Maria Sjöberg' }],
  ['personakt', 'information_object', 'Personakt inom socialtjänsten', 'Journalanteckningar, utredningar och beslut om enskilda.', { information_owner: 'Per Ekström', personal_data: true, retention: 'Gallras fem år efter sista anteckningen, utom för personer födda den 5, 15 eller 25 i månaden.' }],
  ['elevuppgifter', 'information_object', 'Elevuppgifter', 'Namn, personnummer, vårdnadshavare, placering och betyg.', { information_owner: 'Lena Berg', personal_data: true }],
  ['bygglovsarenden', 'information_object', 'Bygglovsärenden', 'Ansökningar, ritningar och beslut. Allmänna handlingar.', { information_owner: 'Maria Sjöberg', personal_data: false }],
  ['verksamhetssystem_social', 'application', 'Verksamhetssystem för socialtjänsten', 'Dokumentation och ärendehantering inom individ- och familjeomsorgen.', { system_owner: 'Per Ekström', lifecycle: 'in_use', user_count: 420 }],
  ['elevregister', 'application', 'Elevregistret', 'Register över elever, placeringar och betyg.', { system_owner: 'Lena Berg', lifecycle: 'in_use', user_count: 650 }],
  ['e_tjanster', 'application', 'E-tjänsteplattformen', 'Kommunens e-tjänster för invånare och företag.', { system_owner: 'Jonas Nilsson', lifecycle: 'in_use', user_count: 15000 }],
  ['arendesystem', 'application', 'Ärendehanteringssystem för bygglov', 'Handläggning och diarieföring av bygglovsärenden.', { system_owner: 'Maria Sjöberg', lifecycle: 'phasing_out', user_count: 35 }],
  ['databaskluster', 'platform_service', 'Databasklustret', 'Gemensam databastjänst för verksamhetssystemen.', {}],
  ['srv_app01', 'server', 'srv-app01', 'Applikationsserver i kommunens datacenter.', { hostname: 'srv-app01.ekvik.local', operating_system: 'Windows Server 2022' }],
  ['srv_db01', 'server', 'srv-db01', 'Databasserver i kommunens datacenter.', { hostname: 'srv-db01.ekvik.local', operating_system: 'Red Hat Enterprise Linux 9' }],
  ['serverzon', 'network', 'Serverzonen', 'Segmenterat nät för kommunens servrar.', { zone: 'Intern, hög' }],
  ['norrdata', 'partner', 'Norrdata AB', 'Leverantör av verksamhetssystemet för socialtjänsten.', { organisation_number: '556677-8899', contract_end: '2027-12-31' }],
];

export const RELATIONS = [
  ['socialforvaltningen', 'part_of', 'kommunstyrelsen'],
  ['utbildningsforvaltningen', 'part_of', 'kommunstyrelsen'],
  ['it_enheten', 'part_of', 'kommunstyrelsen'],
  ['socialforvaltningen', 'responsible_for', 'ekonomiskt_bistand'],
  ['socialforvaltningen', 'responsible_for', 'personakt'],
  ['socialforvaltningen', 'responsible_for', 'verksamhetssystem_social'],
  ['utbildningsforvaltningen', 'responsible_for', 'skolplacering'],
  ['utbildningsforvaltningen', 'responsible_for', 'elevregister'],
  ['it_enheten', 'responsible_for', 'srv_app01'],
  ['it_enheten', 'responsible_for', 'srv_db01'],
  ['ekonomiskt_bistand', 'uses_information', 'personakt'],
  ['skolplacering', 'uses_information', 'elevuppgifter'],
  ['bygglov', 'uses_information', 'bygglovsarenden'],
  ['ekonomiskt_bistand', 'supported_by', 'verksamhetssystem_social'],
  ['ekonomiskt_bistand', 'supported_by', 'e_tjanster'],
  ['skolplacering', 'supported_by', 'elevregister'],
  ['bygglov', 'supported_by', 'arendesystem'],
  ['personakt', 'handled_in', 'verksamhetssystem_social'],
  ['personakt', 'handled_in', 'e_tjanster'],
  ['elevuppgifter', 'handled_in', 'elevregister'],
  ['bygglovsarenden', 'handled_in', 'arendesystem'],
  ['bygglovsarenden', 'handled_in', 'e_tjanster'],
  ['verksamhetssystem_social', 'depends_on', 'databaskluster'],
  ['elevregister', 'depends_on', 'databaskluster'],
  ['verksamhetssystem_social', 'runs_on', 'srv_app01'],
  ['elevregister', 'runs_on', 'srv_app01'],
  ['databaskluster', 'runs_on', 'srv_db01'],
  ['srv_app01', 'connected_to', 'serverzon'],
  ['srv_db01', 'connected_to', 'serverzon'],
  ['verksamhetssystem_social', 'provided_by', 'norrdata'],
  // The two applications exchange case data in both directions, which makes a cycle for the classification overview.
  ['e_tjanster', 'depends_on', 'verksamhetssystem_social'],
  ['verksamhetssystem_social', 'depends_on', 'e_tjanster'],
];

/** Levels set by hand: [object, dimension, level, justification]. On an object that is not an information object a level is an override. */
export const LEVELS = [
  ['personakt', 'confidentiality', 4, 'Känsliga personuppgifter om enskilda, skyddade av sekretess enligt OSL 26 kap.'],
  ['personakt', 'integrity', 3, 'Felaktiga uppgifter kan leda till felaktiga beslut om bistånd.'],
  ['personakt', 'availability', 2, 'Handläggningen kan vänta en arbetsdag.'],
  ['personakt', 'traceability', 4, 'Varje läsning och ändring ska kunna följas upp.'],
  ['elevuppgifter', 'confidentiality', 3, 'Personuppgifter om barn, i vissa fall med skyddad identitet.'],
  ['elevuppgifter', 'integrity', 3, 'Betyg och placeringar måste vara riktiga.'],
  ['elevuppgifter', 'availability', 2, 'Behövs under terminerna, men kan vänta en dag.'],
  ['bygglovsarenden', 'confidentiality', 1, 'Allmänna handlingar, men ritningar kan innehålla uppgifter om säkerhetsanordningar.'],
  ['bygglovsarenden', 'integrity', 3, 'Beslut har rättsverkan.'],
  ['verksamhetssystem_social', 'availability', 3, 'Socialjouren behöver systemet dygnet runt, så tillgängligheten sätts högre än informationen kräver.'],
];

/** Statements per application on the imported catalog: counts of requirements per status, taken in order. */
export const STATEMENTS = {
  verksamhetssystem_social: [
    ['fulfilled', 24, { responsible: 'Per Ekström', comment: 'Granskat vid den årliga informationssäkerhetsgenomgången.' }],
    ['partly_fulfilled', 10, { responsible: 'Per Ekström', comment: 'Rutinen finns men följs inte upp.' }],
    ['not_fulfilled', 6, { responsible: 'Jonas Nilsson', comment: 'Åtgärd planerad till nästa år.' }],
    ['not_applicable', 4, { reason: 'Systemet driftas i kommunens eget datacenter och omfattas av IT-enhetens rutiner.' }],
  ],
  elevregister: [
    ['fulfilled', 30, { responsible: 'Lena Berg' }],
    ['not_fulfilled', 8, { responsible: 'Lena Berg', comment: 'Behörighetsgenomgång saknas.' }],
  ],
  e_tjanster: [['partly_fulfilled', 15, { responsible: 'Jonas Nilsson' }]],
};

/**
 * A requirement set maintained by hand, beside the imported catalog. Each
 * requirement is [key, kind, identifier, title, statement, parent key]; a
 * rule on a requirement is [requirement key, rule].
 */
export const MANUAL_SET = {
  name: 'Ekviks grundkrav för informationssäkerhet',
  description: 'Kommunens egna krav, beslutade av kommundirektören.',
  requirements: [
    ['behorighet', 'group', 'EK-1', 'Behörigheter', null, null],
    ['behorighet_granskning', 'requirement', 'EK-1.1', 'Årlig behörighetsgenomgång', 'Systemägaren går igenom alla behörigheter minst en gång per år.', 'behorighet'],
    ['behorighet_loggning', 'requirement', 'EK-1.2', 'Loggning av åtkomst', 'Varje läsning av uppgifter som omfattas av sekretess loggas.', 'behorighet'],
    ['kontinuitet', 'group', 'EK-2', 'Kontinuitet', null, null],
    ['kontinuitet_reserv', 'requirement', 'EK-2.1', 'Reservrutin', 'Det finns en prövad reservrutin för när systemet inte går att använda.', 'kontinuitet'],
  ],
  setRules: [{ objectTypes: ['application', 'platform_service'] }],
  requirementRules: [['behorighet_loggning', { objectTypes: ['application'], dimension: 'confidentiality', minLevel: 3 }]],
  /** Statements on the application [object key, requirement key, status, details]. */
  statements: [
    ['verksamhetssystem_social', 'behorighet_granskning', 'fulfilled', { responsible: 'Per Ekström' }],
    ['verksamhetssystem_social', 'behorighet_loggning', 'partly_fulfilled', { responsible: 'Per Ekström', comment: 'Läsningar loggas, men loggen granskas inte.' }],
    ['elevregister', 'behorighet_granskning', 'not_fulfilled', { responsible: 'Lena Berg' }],
  ],
};
