/**
 * Card → terminal text, pure. Enabled buttons get numbers ([1] …) that the person types to press
 * them; disabled ones are listed without a number.
 */
import type { Button, Card, Message } from '../../src/ui/card.js';

export interface RenderedMessage {
  text: string;
  /** The buttons a typed number presses, in order: index 0 is [1]. */
  buttons: Button[];
}

/** Terminals show the markdown subset as plain text. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1');
}

function renderCard(card: Card, numbered: Button[]): string[] {
  const lines: string[] = [];
  if (card.title) lines.push(`■ ${card.title}`);
  for (const block of card.blocks) {
    switch (block.type) {
      case 'text':
        lines.push(...plain(block.text).split('\n'));
        break;
      case 'context':
        lines.push(`  ${plain(block.text)}`);
        break;
      case 'fields':
        for (const f of block.fields) lines.push(`  ${f.label}: ${f.value}`);
        break;
      case 'divider':
        lines.push('  ──────────');
        break;
      case 'buttons':
        for (const button of block.buttons) {
          if (button.disabled) lines.push(`    ${button.label}`);
          else {
            numbered.push(button);
            lines.push(`  [${numbered.length}] ${button.label}`);
          }
        }
        break;
      case 'image':
        lines.push(`  [${block.alt}]`);
        break;
    }
  }
  return lines;
}

export function renderMessage(message: Message): RenderedMessage {
  const buttons: Button[] = [];
  const lines = message.card ? renderCard(message.card, buttons) : plain(message.text).split('\n');
  return { text: lines.join('\n'), buttons };
}
