// Renders markdown (the final report) through the safe renderer.
import { useMemo } from 'react';
import { renderMarkdown } from '../markdown/renderMarkdown';

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown escapes raw HTML and sanitizes links (renderMarkdown.test.ts)
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
