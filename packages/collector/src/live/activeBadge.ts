// Average advance of the badge font's characters at 11 px: enough to size the badge without measuring text.
const CHAR_WIDTH = 6.6;

/** `GET /v1/active/badge.svg`: "● N online" as a self-contained SVG (no fonts or scripts to fetch) for READMEs and script-free pages. */
export function activeBadgeSvg(activeUsers: number): string {
  const label = `${activeUsers.toLocaleString('en-US')} online`;
  const textX = 20;
  const width = Math.ceil(textX + label.length * CHAR_WIDTH + 8);
  const dot = activeUsers > 0 ? '#22c55e' : '#9ca3af';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${label}">`
    + `<title>${label}</title>`
    + `<rect width="${width}" height="20" rx="4" fill="#1f2937"/>`
    + `<circle cx="10" cy="10" r="4" fill="${dot}"/>`
    + `<text x="${textX}" y="14" fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">${label}</text>`
    + '</svg>';
}
