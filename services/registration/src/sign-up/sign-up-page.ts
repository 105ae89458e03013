import { fieldMessage, formatText, isTenantNameWellFormed, tenantOrigin, type FieldProblem, type PlatformConfig } from '@esm/common';
import type { RegistrationInput } from '../admin-api.js';
import { REGISTRATION_ERRORS } from '../errors.js';
import { html, type SafeHtml } from '../pages/html.js';
import { localHref, renderPage, type PageContext } from '../pages/layout.js';
import { formatDateTime, type Texts } from '../pages/texts.js';
import { CSRF_FIELD } from '../security.js';

type FieldName = keyof RegistrationInput;

interface FieldSpec {
  name: FieldName;
  type: 'text' | 'email' | 'tel';
  autocomplete: string;
  label: (texts: Texts) => string;
  hint?: (texts: Texts, state: SignUpFormState) => SafeHtml;
}

/**
 * Returns the address the entered name would get. A name that is malformed
 * or that admin rejected (reserved or taken) would never get that address,
 * so the hint then shows the placeholder address instead of repeating it.
 */
function tenantAddressHint(texts: Texts, state: SignUpFormState): string {
  const name = state.values.tenantName;
  const rejected = state.problems.some((problem) => problem.field === 'tenantName');
  const addressName = name !== '' && !rejected && isTenantNameWellFormed(name) ? name : texts.tenantNamePlaceholder;
  return tenantOrigin(state.addressConfig, addressName);
}

const FIELDS: FieldSpec[] = [
  { name: 'organisation', type: 'text', autocomplete: 'organization', label: (t) => t.organisation },
  {
    name: 'tenantName',
    type: 'text',
    autocomplete: 'off',
    label: (t) => t.tenantName,
    hint: (t, state) => html`${t.tenantNameHint} <strong>${tenantAddressHint(t, state)}</strong>`,
  },
  { name: 'contactEmail', type: 'email', autocomplete: 'email', label: (t) => t.contactEmail, hint: (t) => html`${t.contactEmailHint}` },
  { name: 'contactMobile', type: 'tel', autocomplete: 'tel', label: (t) => t.contactMobile, hint: (t) => html`${t.contactMobileHint}` },
];

/** Content of the sign-up form: the entered values and admin's field problems. */
export interface SignUpFormState {
  values: RegistrationInput;
  problems: FieldProblem[];
  csrfToken: string;
  /** The parts of the platform configuration that form a workspace's address. */
  addressConfig: Pick<PlatformConfig, 'baseDomain' | 'publicHttpsPort'>;
}

export const EMPTY_REGISTRATION_INPUT: RegistrationInput = { organisation: '', tenantName: '', contactEmail: '', contactMobile: '' };

function renderField(context: PageContext, spec: FieldSpec, state: SignUpFormState): SafeHtml {
  const { texts, locale } = context;
  const problems = state.problems.filter((problem) => problem.field === spec.name);
  const hintId = `${spec.name}-hint`;
  const errorId = `${spec.name}-error`;
  const describedBy = [spec.hint ? hintId : '', problems.length > 0 ? errorId : ''].filter(Boolean).join(' ');
  // Tenant names are DNS labels, so the browser must not capitalise or correct them.
  const nameInputExtras = spec.name === 'tenantName' ? html` autocapitalize="none" spellcheck="false"` : undefined;
  return html`<div class="field">
<label for="${spec.name}">${spec.label(texts)}</label>
${spec.hint ? html`<p class="hint" id="${hintId}">${spec.hint(texts, state)}</p>` : undefined}
${problems.length > 0 ? html`<p class="field-error" id="${errorId}">${problems.map((p) => fieldMessage(p.code, locale)).join(' ')}</p>` : undefined}
<input id="${spec.name}" name="${spec.name}" type="${spec.type}" value="${state.values[spec.name]}" autocomplete="${spec.autocomplete}" required${
    describedBy ? html` aria-describedby="${describedBy}"` : undefined
  }${problems.length > 0 ? html` aria-invalid="true"` : undefined}${nameInputExtras}>
</div>`;
}

function renderSummary(context: PageContext, problems: FieldProblem[]): SafeHtml | undefined {
  if (problems.length === 0) return undefined;
  const known = new Set<string>(FIELDS.map((field) => field.name));
  const items = problems.map((problem) => {
    const message = fieldMessage(problem.code, context.locale);
    return known.has(problem.field) ? html`<li><a href="#${problem.field}">${message}</a></li>` : html`<li>${message}</li>`;
  });
  return html`<div class="summary" role="alert" aria-labelledby="summary-title">
<h2 id="summary-title">${context.texts.formProblems}</h2>
<p>${REGISTRATION_ERRORS.formInvalid.message[context.locale]}</p>
<ul>${items}</ul>
</div>`;
}

/** Renders the sign-up form, with each field's problem next to the field when admin rejected the input. */
export function renderSignUpPage(context: PageContext, state: SignUpFormState): string {
  const { texts } = context;
  const main = html`<h1>${texts.formTitle}</h1>
<p>${texts.formIntro}</p>
${renderSummary(context, state.problems)}
<form method="post" action="${localHref('/', context.locale)}" novalidate>
<input type="hidden" name="${CSRF_FIELD}" value="${state.csrfToken}">
${FIELDS.map((spec) => renderField(context, spec, state))}
<button type="submit">${texts.register}</button>
</form>`;
  return renderPage(context, { title: texts.formTitle, main });
}

/**
 * Renders the page that sends the contact to the e-mail with the link. It
 * never shows the token. Without `details` (the details cookie is missing,
 * invalid or expired) it explains where the link went without naming anything.
 */
export function renderCheckEmailPage(
  context: PageContext,
  details: { tenantName: string; contactEmail: string; expiresAt: Date } | undefined,
  detailsMinutes: number,
): string {
  const { texts } = context;
  if (!details) {
    const main = html`<h1>${texts.checkEmailTitle}</h1>
<p>${formatText(texts.checkEmailNoDetails, { minutes: detailsMinutes })}</p>
<p><a href="${localHref('/', context.locale)}">${texts.backToForm}</a></p>`;
    return renderPage(context, { title: texts.checkEmailTitle, main });
  }
  const values = {
    tenantName: details.tenantName,
    email: details.contactEmail,
    expiresAt: formatDateTime(details.expiresAt, context.locale),
  };
  const fill = (template: string) => formatText(template, values);
  const main = html`<h1>${texts.checkEmailTitle}</h1>
<p role="status">${fill(texts.checkEmailText)}</p>
<p>${fill(texts.checkEmailExpiry)}</p>
<p>${texts.checkEmailSpam}</p>`;
  return renderPage(context, { title: texts.checkEmailTitle, main });
}
