import { describe, expect, it } from 'vitest';
import { html, rawHtml } from './html.js';

describe('html', () => {
  it('escapes interpolated text', () => {
    const name = `<script>alert("x")</script>&'`;

    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });

  it('keeps nested html and joins arrays', () => {
    const items = ['a<', 'b'].map((item) => html`<li>${item}</li>`);

    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
  });

  it('renders missing values as nothing', () => {
    expect(html`<p>${undefined}${null}${false}${0}</p>`.value).toBe('<p>0</p>');
  });

  it('passes raw html through unchanged', () => {
    expect(html`<style>${rawHtml('a > b {}')}</style>`.value).toBe('<style>a > b {}</style>');
  });
});
