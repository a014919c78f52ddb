import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; VIGIL_CHROMIUM overrides it. vigil never downloads a browser. */
export function chromiumPath(): string {
  return process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
}

/** Starts headless Chromium (no sandbox, no GPU, no background network), or says how to install it. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install it (sudo apt-get install chromium, or bash scripts/install.sh) or set VIGIL_CHROMIUM`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}
