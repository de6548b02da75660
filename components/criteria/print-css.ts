/**
 * Print stylesheet of the criteria report (one page for a weekly update): the app chrome and every
 * control are hidden, the page uses the full sheet, and colours print as shown.
 */
export const PRINT_CSS = `
@page { size: A4; margin: 12mm; }
html, body { background: #fff !important; color: #000; font-size: 9px; }
header, nav, aside, [role="toolbar"], button, .print\\:hidden { display: none !important; }
main { max-width: none !important; padding: 0 !important; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-shadow: none !important; }
article { break-inside: avoid; }
main h1 + p { display: none !important; }
main > div:first-of-type { margin-bottom: 4px !important; }
`;
