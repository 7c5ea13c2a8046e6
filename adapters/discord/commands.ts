/**
 * The /integrity slash command for Discord: the same subcommands as every other adapter, with Korean
 * names and descriptions as localisations. Registered (idempotently: a bulk overwrite) by
 * `npm run cli -- discord register [--guild <id>]`.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';

type Option = { name: string; ko: string; en: string; koDescription: string; choices?: { value: string; ko: string; en: string }[]; required?: boolean };
type Subcommand = { name: string; ko: string; en: string; koDescription: string; options?: Option[] };

const SUBCOMMANDS: Subcommand[] = [
  { name: 'quiz', ko: '퀴즈', en: "Take today's integrity quiz", koDescription: '오늘의 청렴 퀴즈 풀기' },
  { name: 'me', ko: '내기록', en: 'Your streak and record (only you see it)', koDescription: '나의 연속 참여와 기록 (본인만 보기)' },
  { name: 'whoami', ko: '내정보', en: 'Your employee number, department, roles and language', koDescription: '내 사번·부서·역할·언어' },
  {
    name: 'lang',
    ko: '언어',
    en: 'Change the language',
    koDescription: '언어 바꾸기',
    options: [{ name: 'language', ko: '언어', en: 'Language', koDescription: '언어', required: true, choices: [{ value: 'ko', ko: '한국어', en: 'Korean' }, { value: 'en', ko: '영어', en: 'English' }] }],
  },
  {
    name: 'dm',
    ko: '개인메시지',
    en: 'Get quizzes and notices by direct message, or stop',
    koDescription: '퀴즈와 알림을 개인 메시지로 받기 / 그만 받기',
    options: [{ name: 'choice', ko: '선택', en: 'On or off', koDescription: '받기 또는 그만 받기', required: true, choices: [{ value: 'on', ko: '받기', en: 'On' }, { value: 'off', ko: '그만 받기', en: 'Off' }] }],
  },
  { name: 'help', ko: '도움말', en: 'What you can do', koDescription: '사용할 수 있는 명령' },
  { name: 'status', ko: '발송현황', en: 'Recent deliveries (integrity officers, admins)', koDescription: '최근 발송 현황 (청렴·감사 담당, 관리자)' },
  {
    name: 'schedule',
    ko: '일정',
    en: 'Delivery schedules (integrity officers, admins)',
    koDescription: '발송 일정 관리 (청렴·감사 담당, 관리자)',
    options: [
      { name: 'action', ko: '동작', en: 'What to do', koDescription: '할 일', required: true, choices: [{ value: 'list', ko: '목록', en: 'List' }, { value: 'pause', ko: '일시중지', en: 'Pause' }, { value: 'resume', ko: '재개', en: 'Resume' }] },
      { name: 'name', ko: '이름', en: 'Schedule name', koDescription: '일정 이름' },
    ],
  },
];

/** Option order per subcommand: how options become the core command's arguments. */
export const ARGUMENT_ORDER: Readonly<Record<string, readonly string[]>> = Object.fromEntries(SUBCOMMANDS.map((s) => [s.name, (s.options ?? []).map((o) => o.name)]));

export function integrityCommand(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: 'integrity',
      name_localizations: { ko: '청렴' },
      description: 'Probity: integrity quizzes, your record and help',
      description_localizations: { ko: 'Probity 청렴 도우미: 퀴즈, 내 기록, 도움말' },
      // Usable in servers; DMs with the bot are for delivery only.
      contexts: [0],
      options: SUBCOMMANDS.map((s) => ({
        type: ApplicationCommandOptionType.Subcommand,
        name: s.name,
        name_localizations: { ko: s.ko },
        description: s.en,
        description_localizations: { ko: s.koDescription },
        options: (s.options ?? []).map((o) => ({
          type: ApplicationCommandOptionType.String,
          name: o.name,
          name_localizations: { ko: o.ko },
          description: o.en,
          description_localizations: { ko: o.koDescription },
          required: o.required ?? false,
          ...(o.choices ? { choices: o.choices.map((c) => ({ name: c.en, name_localizations: { ko: c.ko }, value: c.value })) } : {}),
        })),
      })),
    },
  ];
}
