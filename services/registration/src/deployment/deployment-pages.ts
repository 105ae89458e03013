import { formatText, isTenantNameWellFormed, tenantOrigin, type AppError, type PlatformConfig } from '@esm/common';
import type { DeploymentStatus } from '../admin-api.js';
import { REGISTRATION_ERRORS } from '../errors.js';
import { html, rawHtml, type SafeHtml } from '../pages/html.js';
import { localHref, renderErrorIds, renderPage, type PageContext } from '../pages/layout.js';
import { DEPLOYMENT_STEPS, type StepStatus } from '../pages/texts.js';
import { CSRF_FIELD } from '../security.js';

/**
 * Renders the page that lets the contact start the deployment a token
 * allows. The workspace name from the link, when there is one, goes back
 * with the form only so that a rejection page can link to the workspace.
 */
export function renderDeployPage(context: PageContext, details: { token: string; tenantName: string | undefined; csrfToken: string }): string {
  const { texts } = context;
  const main = html`<h1>${texts.deployTitle}</h1>
<p>${texts.deployText}</p>
<form method="post" action="${localHref('/deploy', context.locale)}">
<input type="hidden" name="${CSRF_FIELD}" value="${details.csrfToken}">
<input type="hidden" name="token" value="${details.token}">
${details.tenantName ? html`<input type="hidden" name="name" value="${details.tenantName}">` : undefined}
<button type="submit">${texts.deployButton}</button>
</form>`;
  return renderPage(context, { title: texts.deployTitle, main });
}

function renderUsedTokenAdvice(context: PageContext, config: PlatformConfig, tenantName: string | undefined): SafeHtml {
  const { texts } = context;
  const invitation = html`<p>${texts.tokenUsedInvitation}</p>`;
  if (!tenantName) return html`<p>${texts.tokenUsedAddressUnknown}</p>
${invitation}`;

  const address = tenantOrigin(config, tenantName);
  return html`<p>${texts.finishedAddress}: <a href="${address}">${address}</a></p>
${invitation}`;
}

function renderExpiredTokenAdvice(context: PageContext, tenantName: string | undefined): SafeHtml {
  const { texts } = context;
  const operator = tenantName
    ? html`<p>${formatText(texts.tokenExpiredOperator, { tenantName })}</p>
<pre><code>esmctl deploy ${tenantName}</code></pre>`
    : undefined;
  return html`${operator}
<p><a href="${localHref('/', context.locale)}">${texts.registerAgain}</a></p>`;
}

/**
 * Renders the page for a deployment link that admin reports as used or
 * expired. `tenantName` is the well-formed name from the link, or undefined.
 * NOTE: admin's rejection does not name the workspace, so the name comes from
 * the link and is not tied to the token. A crafted link can therefore show
 * the address of another workspace on this platform. Once admin returns the
 * name with DEPLOYMENT_TOKEN_USED and DEPLOYMENT_TOKEN_EXPIRED, use that instead.
 */
export function renderTokenRejectionPage(
  context: PageContext,
  config: PlatformConfig,
  error: AppError,
  tenantName: string | undefined,
): string {
  const { texts } = context;
  const used = error.code === REGISTRATION_ERRORS.deploymentTokenUsed.code;
  const title = used ? texts.tokenUsedTitle : texts.tokenExpiredTitle;
  const main = html`<h1>${title}</h1>
<p role="alert">${error.userMessage(context.locale)}</p>
${used ? renderUsedTokenAdvice(context, config, tenantName) : renderExpiredTokenAdvice(context, tenantName)}
${renderErrorIds(context, error.code)}`;
  return renderPage(context, { title, main });
}

/**
 * Polls the status route every 500 ms and updates the step list. When the
 * deployment has finished or failed, it reloads the page so that the server
 * renders the final state. It reads its URL and labels from the list's data
 * attributes, so the script text is the same on every page.
 */
const PROGRESS_SCRIPT = `(() => {
  const list = document.getElementById('steps');
  if (!list) return;
  const labels = JSON.parse(list.dataset.labels || '{}');
  const poll = async () => {
    try {
      const response = await fetch(list.dataset.statusUrl, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.ok) {
        const progress = await response.json();
        if (progress.finished || progress.failed) { location.reload(); return; }
        for (const item of list.querySelectorAll('li[data-step]')) {
          const entry = progress.steps.find((s) => s.step === item.dataset.step);
          const status = entry ? entry.status : 'pending';
          const label = item.querySelector('[data-status]');
          label.textContent = labels[status] || status;
          label.className = 'status status-' + status;
        }
      }
    } catch {
      // A failed poll is retried at the next tick, e.g. while the network recovers.
    }
    setTimeout(poll, 500);
  };
  setTimeout(poll, 500);
})();`;

function stepStatus(status: DeploymentStatus, step: (typeof DEPLOYMENT_STEPS)[number]): StepStatus {
  return status.steps.find((entry) => entry.step === step)?.status ?? 'pending';
}

function renderSteps(context: PageContext, status: DeploymentStatus): SafeHtml {
  const { texts } = context;
  const statusUrl = `/deployments/${status.deploymentId}/status.json`;
  const items = DEPLOYMENT_STEPS.map((step) => {
    const current = stepStatus(status, step);
    return html`<li data-step="${step}"><span>${texts.steps[step]}</span> <span class="status status-${current}" data-status>${texts.statuses[current]}</span></li>`;
  });
  return html`<ol id="steps" class="steps" aria-live="polite" data-status-url="${statusUrl}" data-labels="${JSON.stringify(texts.statuses)}">
${items}
</ol>`;
}

function renderOutcome(context: PageContext, config: PlatformConfig, status: DeploymentStatus): SafeHtml {
  const { texts, locale } = context;
  if (status.failed) {
    const error = REGISTRATION_ERRORS.deploymentFailed;
    return html`<div role="alert">
<p>${error.message[locale]}</p>
${renderErrorIds(context, error.code)}
</div>`;
  }
  // The address is built here from the validated name rather than taken from admin's reply.
  const address = isTenantNameWellFormed(status.tenantName) ? tenantOrigin(config, status.tenantName) : undefined;
  return html`<div role="status">
<p>${texts.finishedText}</p>
${address ? html`<p>${texts.finishedAddress}: <a href="${address}">${address}</a></p>` : undefined}
</div>`;
}

/**
 * Renders the deployment's progress. While it runs, an inline script polls
 * for updates, and without JavaScript a refresh every two seconds does.
 */
export function renderProgressPage(context: PageContext, config: PlatformConfig, status: DeploymentStatus): string {
  const { texts } = context;
  const running = !status.finished && !status.failed;
  const title = formatText(status.finished && !status.failed ? texts.finishedTitle : texts.progressTitle, { tenantName: status.tenantName });
  // <noscript> keeps browsers that run the script from also reloading every two seconds.
  const head = running ? html`<noscript><meta http-equiv="refresh" content="2"></noscript>` : undefined;
  const main = html`<h1>${title}</h1>
${running ? html`<p>${texts.progressText}</p>` : undefined}
${renderSteps(context, status)}
${running ? undefined : renderOutcome(context, config, status)}
${running ? html`<script nonce="${context.nonce}">${rawHtml(PROGRESS_SCRIPT)}</script>` : undefined}`;
  return renderPage(context, { title, main, ...(head ? { head } : {}) });
}
