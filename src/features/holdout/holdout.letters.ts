/**
 * Holdouts on letters: options after `announce` (or `announce template <slug>`), carried through the
 * form and checked again on submit, since a form's id can be replayed or forged.
 *   announce [template <slug>] [mandatory] [holdout <fraction> outcome <outcome> [topic <topic>] [weeks <n>]]
 * A mandatory letter reaches its whole audience: a holdout on it is refused.
 */
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import type { Field } from '../../ui/card.js';
import { readCampaignSpec, type CampaignSpec, type SpecProblem } from './holdout.js';

const VALUED = new Set(['holdout', 'outcome', 'topic', 'weeks']);
const MANDATORY = new Set(['mandatory', '필수']);

export interface LetterOptions {
  mandatory: boolean;
  holdout: CampaignSpec | null;
  /** The options again, normalised, for the form's id. */
  encoded: string;
}

export const isLetterOption = (word: string) => VALUED.has(word.toLowerCase()) || MANDATORY.has(word.toLowerCase());

export function readLetterOptions(ctx: Pick<RequestContext, 'content'>, words: readonly string[]): LetterOptions {
  const raw: Record<string, string> = {};
  let mandatory = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.toLowerCase();
    if (MANDATORY.has(word)) mandatory = true;
    else if (VALUED.has(word) && words[i + 1] !== undefined && raw[word] === undefined) raw[word] = words[++i]!;
    else throw new UserError('holdout.error.letter_option', { value: words[i]! });
  }
  const problems: SpecProblem[] = [];
  const holdout = readCampaignSpec(raw, new Set(Object.keys(ctx.content.topics)), problems);
  if (problems.length > 0) throw new UserError(problems[0]!.code, problems[0]!.params as Record<string, string | number> | undefined);
  if (mandatory && holdout) throw new UserError('holdout.error.mandatory_letter');
  const encoded = [...(mandatory ? ['mandatory'] : []), ...Object.entries(raw).flat()].join(' ');
  return { mandatory, holdout: holdout ?? null, encoded };
}

/** The preview's line about it, if any. */
export function letterOptionsField(ctx: Pick<RequestContext, 't'>, options: LetterOptions): Field[] {
  if (options.holdout) {
    const { fraction, outcome, topic, weeks } = options.holdout;
    return [{ label: ctx.t('holdout.preview.label'), value: ctx.t('holdout.letter.preview', { percent: `${Math.round(fraction * 1000) / 10}%`, outcome: ctx.t(`holdout.outcome.${outcome}`, { topic: topic ?? '' }), weeks }) }];
  }
  return options.mandatory ? [{ label: ctx.t('holdout.letter.kind'), value: ctx.t('holdout.letter.mandatory') }] : [];
}
