/** Page helpers shared by the specs. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, type Page } from '@playwright/test';

/** Drops a file from disk onto `selector` with a real DataTransfer (as a user's drag and drop does). */
export async function dropFile(
  page: Page,
  selector: string,
  path: string,
  name = basename(path),
): Promise<void> {
  const b64 = readFileSync(path).toString('base64');
  const dt = await page.evaluateHandle(
    ({ b64, name }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
      return dt;
    },
    { b64, name },
  );
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
}

/** Packet numbers of the rendered rows, in order. */
export async function rowNumbers(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid=packet-row][data-no]')
    .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.no)));
}

export async function applyFilter(page: Page, expr: string): Promise<void> {
  const input = page.getByTestId('filter-input');
  await input.fill(expr);
  await input.press('Enter');
}

export async function waitDisplayed(page: Page, n: number): Promise<void> {
  await expect(page.getByTestId('status-count')).toContainText(`Displayed: ${n} `);
}
