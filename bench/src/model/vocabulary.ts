import type { SeededRandom } from './seeded-random.js';

/**
 * Words for the generated model's names and descriptions, Swedish and
 * English mixed as in the organisations ESM is built for, so full-text
 * search finds common words in thousands of objects and names in a few.
 */
const AREAS = ['ekonomi', 'HR', 'IT', 'kundservice', 'inköp', 'juridik', 'kommunikation', 'drift', 'utveckling', 'säkerhet', 'logistik', 'försäljning'];
const PROCESS_VERBS = ['Hantera', 'Granska', 'Attestera', 'Planera', 'Följa upp', 'Registrera', 'Handle', 'Review', 'Approve', 'Archive'];
const PROCESS_NOUNS = ['faktura', 'ärende', 'avtal', 'ansökan', 'beställning', 'claim', 'incident', 'order', 'payment', 'anställning'];
const INFORMATION = ['Kundregister', 'Personalakt', 'Avtalsregister', 'Fakturaunderlag', 'Ärendelogg', 'Customer record', 'Contract', 'Invoice', 'Incident report', 'Löneunderlag', 'Leverantörsreskontra', 'Behörighetslista'];
const APPLICATION_PREFIXES = ['Ekonomi', 'Lön', 'Ärende', 'Kund', 'Diarie', 'Faktura', 'Personal', 'Analys', 'Lager', 'Booking', 'Claims', 'Intranät'];
const APPLICATION_SUFFIXES = ['system', 'portal', 'tjänst', 'app', 'plattform', 'service'];
const PLATFORM_SERVICES = ['Databastjänst', 'Meddelandekö', 'Identitetstjänst', 'Filöverföring', 'Säkerhetskopiering', 'Container platform', 'Object storage', 'Loggtjänst', 'E-posttjänst', 'API-gateway'];
const SERVER_ROLES = ['app', 'db', 'web', 'fil', 'batch', 'mq'];
const NETWORKS = ['Kontorsnät', 'DMZ', 'Driftnät', 'Backupnät', 'Managementnät', 'Gästnät', 'Produktionsnät', 'Testnät'];
const PARTNERS = ['Nordic Cloud', 'Svensk Drift', 'Konsultbolaget', 'DataCenter Syd', 'Systempartner', 'Säker IT', 'Molntjänst', 'Integration Partners'];
const OPERATING_SYSTEMS = ['Red Hat Enterprise Linux 9', 'Ubuntu 22.04', 'Windows Server 2022', 'Debian 12', 'Windows Server 2019'];
const PEOPLE = ['Anna Lindqvist', 'Erik Johansson', 'Maria Nilsson', 'Lars Karlsson', 'Karin Andersson', 'Johan Berg', 'Sara Öberg', 'Per Åström'];
const DESCRIPTION_SV = ['Används för', 'Stöder arbetet med', 'Innehåller uppgifter om', 'Hanterar', 'Behövs för'];
const DESCRIPTION_EN = ['Used for', 'Supports the work with', 'Holds data about', 'Handles', 'Needed for'];

export const TEXT = { AREAS, PROCESS_VERBS, PROCESS_NOUNS, INFORMATION, APPLICATION_PREFIXES, APPLICATION_SUFFIXES, PLATFORM_SERVICES, SERVER_ROLES, NETWORKS, PARTNERS, OPERATING_SYSTEMS, PEOPLE };

/** Returns a name for object number `index` of `type`. The number keeps names unique within a type. */
export function objectName(random: SeededRandom, type: string, index: number): string {
  const number = index + 1;
  switch (type) {
    case 'organisation_unit':
      return `${random.pick(['Avdelning', 'Enhet', 'Sektion', 'Team'])} ${random.pick(AREAS)} ${number}`;
    case 'process':
      return `${random.pick(PROCESS_VERBS)} ${random.pick(PROCESS_NOUNS)} ${number}`;
    case 'information_object':
      return `${random.pick(INFORMATION)} ${number}`;
    case 'application':
      return `${random.pick(APPLICATION_PREFIXES)}${random.pick(APPLICATION_SUFFIXES)} ${number}`;
    case 'platform_service':
      return `${random.pick(PLATFORM_SERVICES)} ${number}`;
    case 'server':
      return `srv-${random.pick(SERVER_ROLES)}-${String(number).padStart(5, '0')}`;
    case 'network':
      return `${random.pick(NETWORKS)} ${number}`;
    case 'partner':
      return `${random.pick(PARTNERS)} AB ${number}`;
    default:
      throw new Error(`no names for object type ${type}`);
  }
}

/** Returns a one-sentence description, Swedish for seven objects in ten and English for the rest. */
export function objectDescription(random: SeededRandom): string {
  const swedish = random.chance(0.7);
  const start = random.pick(swedish ? DESCRIPTION_SV : DESCRIPTION_EN);
  return `${start} ${random.pick(PROCESS_NOUNS)} ${swedish ? 'inom' : 'in'} ${random.pick(AREAS)}.`;
}
