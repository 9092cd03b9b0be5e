import { describe, expect, it } from 'vitest';
import { escapeHtml, html, htmlLines, jsonText, mdBlock, mdCode, mdText, slug, visible } from './escape.js';

describe('escapeHtml and html``', () => {
  it('entity-escapes text and attribute breakers', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&` + '`')).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;&#96;');
  });
  it('escapes every interpolation, but not nested html``', () => {
    const name = '"><script>alert(1)</script>';
    const out = html`<td title="${name}">${html`<b>${name}</b>`}</td>`.value;
    expect(out).toBe('<td title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"><b>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</b></td>');
  });
  it('keeps line breaks only where asked', () => {
    expect(htmlLines('a <b>\nc').value).toBe('a &lt;b&gt;\nc');
    expect(escapeHtml('a\nb')).toBe('a b');
  });
});

describe('visible', () => {
  it('shows bidi overrides and control characters instead of obeying them', () => {
    expect(visible('admin\u202Egnp.exe\u0000')).toBe('admin\\u202egnp.exe\\u0000');
  });
});

describe('mdText', () => {
  it('neutralises emphasis, code, links, images, HTML and pipes', () => {
    expect(mdText('*a* _b_ `c` [x](javascript:alert(1)) ![i](http://e/i.png) <img src=x> a|b ~~s~~')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` \\[x\\](javascript:alert(1)) !\\[i\\](http\\://e/i.png) \\<img src=x\\> a\\|b \\~\\~s\\~\\~',
    );
  });
  it('breaks autolinks and entity references', () => {
    expect(mdText('see https://evil.example and www.evil.example or a@b.c &lt;')).toBe('see https\\://evil.example and www\\.evil.example or a\\@b.c \\&lt;');
  });
  it('escapes a block marker at the start', () => {
    expect(mdText('# head')).toBe('\\# head');
    expect(mdText('- item')).toBe('\\- item');
    expect(mdText('1. item')).toBe('1\\. item');
    expect(mdText('kube-system')).toBe('kube-system');
  });
});

describe('mdCode', () => {
  it('uses a fence longer than any backtick run', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('``x')).toBe('``` ``x ```');
  });
  it('escapes pipes in tables only', () => {
    expect(mdCode('a|b', { table: true })).toBe('`a\\|b`');
    expect(mdCode('a|b')).toBe('`a|b`');
  });
});

describe('mdBlock', () => {
  it('cannot be closed by a fence inside the text', () => {
    expect(mdBlock('x\n```\ny')).toBe('````text\nx\n```\ny\n````');
  });
});

describe('jsonText and slug', () => {
  it('keeps data exact while writing < > & as escapes', () => {
    const s = '</script><img onerror=x>&';
    const t = jsonText({ s });
    expect(t).not.toMatch(/[<>&]/);
    expect(JSON.parse(t)).toEqual({ s });
  });
  it('makes ids from names', () => {
    expect(slug('prod "eu"<1>')).toBe('prod-eu-1');
  });
});
