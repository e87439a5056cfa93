import { expect, test } from '@playwright/test';
import { Playground } from './playground';

test.use({ viewport: { width: 1280, height: 720 } });

test('opens on the link_pinning story at step 0, and steps back and forward', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await expect(page.getByTestId('step-count')).toHaveText('Step 0 / 14');
  await expect(pg.caption).toContainText('The link_pinning selftest');
  await expect(pg.nodes('process')).toHaveCount(0);

  // keyboard: ] forward, [ back
  for (let i = 0; i < 6; i++) await page.keyboard.press(']');
  await expect(page.getByTestId('step-count')).toHaveText('Step 6 / 14');
  await expect(pg.caption).toContainText('It pins the link');
  await pg.select('link', 'link 1');
  await expect(pg.inspector).toContainText('Held by 2 references');
  await expect(pg.highlightedEdges()).toHaveCount(3); // fd 5 → file → link, and pin → link

  const pinBox = await pg.node('pin', 'pin /sys/fs/bpf/pinned_link_test').boundingBox();
  await page.keyboard.press(']');
  await expect(page.getByTestId('step-count')).toHaveText('Step 7 / 14');
  await expect(pg.highlightedEdges()).toHaveCount(1); // the pin alone
  expect(await pg.node('pin', 'pin /sys/fs/bpf/pinned_link_test').boundingBox()).toEqual(pinBox); // nothing moved
  await expect(pg.nodes('file', { freed: true })).toHaveCount(1);

  await page.keyboard.press('[');
  await expect(page.getByTestId('step-count')).toHaveText('Step 6 / 14');
  await expect(pg.highlightedEdges()).toHaveCount(3);

  // buttons, the slider, Home and End
  // keyboard only: a graph node takes focus; Enter selects it, Escape clears the selection
  await pg.node('prog', 'program raw_tp_prog').focus();
  await page.keyboard.press('Enter');
  await expect(pg.node('prog', 'program raw_tp_prog')).toHaveAttribute('data-highlight', 'selected');
  await expect(pg.inspector.getByTestId('inspector-title')).toHaveText('raw_tp_prog (prog)');
  await page.keyboard.press('Escape');
  await expect(pg.inspector.getByRole('heading', { name: 'This step' })).toBeVisible();
  await page.getByRole('tab', { name: 'Processes' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Programs' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await pg.node('link', 'link 1').click();

  await pg.button('Step forward').click();
  await pg.button('Step forward').click();
  await expect(page.getByTestId('step-count')).toHaveText('Step 8 / 14');
  await expect(pg.node('prog', 'program raw_tp_prog')).toHaveAttribute('data-ran', 'true');
  await page.keyboard.press('End');
  await expect(page.getByTestId('step-count')).toHaveText('Step 14 / 14');
  await expect(pg.nodes('link')).toHaveCount(0);
  await pg.log.getByRole('button', { name: 'Go to step 12' }).click();
  await expect(pg.caption).toContainText('It closes the last reference');
  await expect(pg.nodes('link', { freed: true })).toHaveCount(1);
  await page.keyboard.press('Home');
  await expect(page.getByTestId('step-count')).toHaveText('Step 0 / 14');
  await expect(pg.button('Step back')).toBeDisabled();
  await pg.shot('stepping');
  pg.expectClean();
});

test('switching to 5.6 replays the story and marks the pin that fails', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await page.keyboard.press('End');
  await page.getByRole('combobox', { name: 'Kernel version' }).selectOption('5.6');
  const banner = page.getByTestId('version-change');
  await expect(banner).toContainText('Replayed on 5.6: step 6 is the first whose result changed');
  await banner.getByRole('button', { name: 'Go to step 6' }).click();
  await expect(page.getByTestId('step-count')).toHaveText('Step 6 / 14');
  await expect(pg.caption).toContainText('-EINVAL');
  await expect(pg.nodes('pin')).toHaveCount(0);
  await expect(pg.nodes('link')).toHaveAttribute('data-state', 'plain-fd');
  await expect(pg.log.locator('[data-changed="true"]').first()).toHaveAttribute('data-step', '6');
  await expect(pg.log.locator('[data-step="6"][data-failed="true"]')).toBeVisible();
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  // without a pin, closing fd 5 detached it: nothing runs at step 8
  await expect(pg.caption).toContainText('sys_enter fires again');
  await expect(pg.log.locator('[aria-current="step"]')).toContainText('nothing ran');
  await expect(page.getByTestId('changed-here')).toHaveText('on 6.18: ran 1 program; on 5.6: nothing ran');
  await pg.select('prog', 'program raw_tp_prog');
  await expect(pg.inspector).toContainText('Held by one reference');
  await pg.shot('version-5.6');
  pg.expectClean();
});
