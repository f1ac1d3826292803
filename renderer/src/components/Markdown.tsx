// Renders markdown (the final report) through the safe renderer.
import { useMemo } from 'react';
import { renderMarkdown } from '../markdown/renderMarkdown';

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
