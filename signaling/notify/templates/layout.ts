import type { Locale } from '../../store/store.js';
import { escapeHtml, isTelLink, isWebLink } from './html.js';
import type { Block, DetailRow } from './types.js';

/*
 * One layout for every email: the plain-text part and the HTML part come
 * from the same blocks, so they never say different things. The HTML uses
 * inline styles and tables only (what mail clients render), in the colours
 * of the French state's design system.
 */

const BLUE = '#000091';
const TEXT = '#161616';

export function blocksToText(blocks: readonly Block[], labelSeparator: string): string {
  return `${blocks
    .map((block) => {
      switch (block.type) {
        case 'paragraph':
          return block.text;
        case 'button':
          return `${block.label}${labelSeparator}${block.href}`;
        case 'details':
          return block.rows.map((row) => `${row.label}${labelSeparator}${row.value}`).join('\n');
        case 'phone':
          return `${block.before}${block.number}${block.after}\n${block.telLabel}${labelSeparator}${block.tel}`;
      }
    })
    .join('\n\n')}\n`;
}

export function blocksToHtml(blocks: readonly Block[], subject: string, locale: Locale): string {
  const body = blocks.map(blockToHtml).join('\n');
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    '<body style="margin:0;padding:0;background:#f6f6f6;">',
    `<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:${TEXT};">`,
    body,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function blockToHtml(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;">${escapeHtml(block.text)}</p>`;
    case 'button':
      if (!isWebLink(block.href)) return `<p style="margin:0 0 16px;">${escapeHtml(block.href)}</p>`;
      return (
        `<p style="margin:24px 0 8px;"><a href="${escapeHtml(block.href)}" ` +
        `style="display:inline-block;padding:12px 24px;background:${BLUE};color:#ffffff;text-decoration:none;font-weight:bold;">` +
        `${escapeHtml(block.label)}</a></p>\n` +
        `<p style="margin:0 0 24px;font-size:14px;word-break:break-all;"><a href="${escapeHtml(block.href)}" style="color:${BLUE};">` +
        `${escapeHtml(block.href)}</a></p>`
      );
    case 'phone': {
      const number = isTelLink(block.tel)
        ? `<a href="${escapeHtml(block.tel)}" style="color:${BLUE};font-weight:bold;white-space:nowrap;">${escapeHtml(block.number)}</a>`
        : escapeHtml(block.number);
      return (
        `<p style="margin:0 0 16px;">${escapeHtml(block.before)}${number}${escapeHtml(block.after)}` +
        `<br><span style="font-size:14px;color:#3a3a3a;">${escapeHtml(block.tapHint)}</span></p>`
      );
    }
    case 'details':
      return (
        '<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-collapse:collapse;">\n' +
        block.rows.map(rowToHtml).join('\n') +
        '\n</table>'
      );
  }
}

function rowToHtml(row: DetailRow): string {
  const value = escapeHtml(row.value);
  return (
    `<tr><th scope="row" style="padding:4px 16px 4px 0;text-align:left;vertical-align:top;font-weight:normal;color:#3a3a3a;">` +
    `${escapeHtml(row.label)}</th><td style="padding:4px 0;font-weight:bold;">${value}</td></tr>`
  );
}
