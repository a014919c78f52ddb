/** Prints an HTML page to PDF with headless Chromium (A4, backgrounds on). Loads playwright-core only when called. */
export async function htmlToPdf(html: string, path: string): Promise<void> {
  const { launchChromium } = await import('../browser.js');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path, format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
