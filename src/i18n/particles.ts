/**
 * Korean particles that depend on the sound before them: 이/가, 을/를, 은/는, 와/과, 으로/로. The
 * catalogue writes both forms, "{name}이(가)"; once the value is in, the form the preceding syllable
 * calls for is kept. A particle after a closing quote or bracket ("1001" 이(가)) attaches to the word
 * inside; after anything whose reading is unknown (Latin letters, symbols) both forms stay.
 */
const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
/** Final consonants (받침) per syllable block: 28, of which index 0 is none and 8 is ㄹ. */
const FINALS = 28;
const FINAL_RIEUL = 8;

type Ending = 'vowel' | 'rieul' | 'consonant';

/** How digits are read at the end of a number: 영·일·이·삼·사·오·육·칠·팔·구 (십·백·천·만 for trailing 0s). */
const DIGIT_ENDINGS: readonly Ending[] = ['consonant', 'rieul', 'vowel', 'consonant', 'vowel', 'vowel', 'consonant', 'rieul', 'rieul', 'vowel'];

function endingOf(ch: string): Ending | undefined {
  const code = ch.codePointAt(0)!;
  if (code >= HANGUL_FIRST && code <= HANGUL_LAST) {
    const final = (code - HANGUL_FIRST) % FINALS;
    return final === 0 ? 'vowel' : final === FINAL_RIEUL ? 'rieul' : 'consonant';
  }
  if (ch >= '0' && ch <= '9') return DIGIT_ENDINGS[Number(ch)];
  return undefined;
}

/** Each written pair and its form after a consonant, after ㄹ, and after a vowel. */
const PARTICLES: Readonly<Record<string, Readonly<Record<Ending, string>>>> = {
  '이(가)': { consonant: '이', rieul: '이', vowel: '가' },
  '을(를)': { consonant: '을', rieul: '을', vowel: '를' },
  '은(는)': { consonant: '은', rieul: '은', vowel: '는' },
  '과(와)': { consonant: '과', rieul: '과', vowel: '와' },
  '와(과)': { consonant: '과', rieul: '과', vowel: '와' },
  '(으)로': { consonant: '으로', rieul: '로', vowel: '로' },
};

const PAIR = /([^\s"'”’」』)\]])(["'”’」』)\]]*)\s?(이\(가\)|을\(를\)|은\(는\)|과\(와\)|와\(과\)|\(으\)로)/gu;

export function withParticles(text: string): string {
  return text.replace(PAIR, (whole, last: string, closing: string, pair: string) => {
    const ending = endingOf(last);
    return ending === undefined ? whole : `${last}${closing}${PARTICLES[pair]![ending]}`;
  });
}
