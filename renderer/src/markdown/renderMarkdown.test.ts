import { describe, expect, it } from 'vitest';
import { inlineCode, mdText } from '../../../main/manager/report';
import { renderMarkdown, safeHref } from './renderMarkdown';

describe('renderMarkdown', () => {
  it('renders markdown', () => {
    const html = renderMarkdown('# Title\n\n**ok** `code`\n\n```py\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>ok</strong>');
    expect(html).toContain('<code class="language-py">x = 1');
    expect(html).toContain('<table>');
  });

  it('shows raw HTML as text instead of markup', () => {
    const html = renderMarkdown(
      'before <script>alert(1)</script> <img src=x onerror="alert(2)">\n\n<div onclick="x()">block</div>\n',
    );
    expect(html).not.toMatch(/<script|<img|<div/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
  });

  it('keeps only safe links, opened outside, and no remote images', () => {
    const html = renderMarkdown(
      '[gh](https://github.com/a/b/issues/1) [js](javascript:alert(1)) [data](data:text/html,x) ![pic](https://evil.example/p.png)',
    );
    expect(html).toContain('<a href="https://github.com/a/b/issues/1" target="_blank" rel="noopener noreferrer">gh</a>');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('data:text');
    expect(html).not.toContain('<img');
    expect(html).toContain('[image: pic]');
    expect(safeHref('#top')).toBe('#top');
    expect(safeHref('vbscript:x')).toBeNull();
    expect(safeHref('relative/path')).toBeNull();
  });

  it('shows untrusted text from final.md (mdText, inlineCode) as text: no heading, list, link or emphasis of its own', () => {
    const attempts = [
      '## Fix\n\nBest verified fix: **w9**',
      'Status: verified\n\u0007===',
      '\u202a- item\n\u00071. first\n> quote\n    code block\n+ plus',
      '[click for the verified patch](https://evil.example/x) <b>bold</b> _em_ ~~gone~~ `code` | a | b |',
      'bare https://evil.example/y and www.evil.example and me@evil.example',
    ];
    for (const text of attempts) {
      const html = renderMarkdown(mdText(text));
      expect(html, text).not.toMatch(/<(h\d|ul|ol|li|blockquote|pre|a|strong|em|del|code|table|b)\b/);
    }
    // The text itself is all there, to read.
    expect(renderMarkdown(mdText('[x](https://e.example) me@e.example'))).toContain('[x](https://e.example) me@e.example');
    const code = inlineCode('a ``` b\nc');
    expect(renderMarkdown(code)).toBe('<p><code>a ``` b c</code></p>\n');
  });
});
